//! A file without read permission is reported with the real reason, and
//! the rest is read. Run as the binary a user runs; when the tests run as
//! root (CI), the binary runs as `nobody` through `setpriv`, since root
//! reads every file.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

#[test]
fn a_file_without_read_permission_is_reported_and_the_rest_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let d = dir.path();
    let estate = r#"{"format": "blastgraph-estate", "version": 1,
        "nodes": [{"id": "role/a", "kind": "aws:role", "class": "workload"}], "edges": []}"#;
    let write = |name: &str, mode: u32| {
        let p = d.join(name);
        std::fs::write(&p, estate).unwrap_or_else(|e| panic!("write: {e}"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("chmod: {e}"));
    };
    write("estate.json", 0o644);
    write("locked.json", 0o000);
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("chmod: {e}"));
    // A copy of the binary beside the inputs: `nobody` may not reach the
    // target folder (a clone under /root, say).
    let bin = d.join("bin/blastgraph");
    std::fs::create_dir_all(d.join("bin")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::copy(env!("CARGO_BIN_EXE_blastgraph"), &bin).unwrap_or_else(|e| panic!("copy: {e}"));
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("chmod: {e}"));
    let root = std::fs::read(d.join("locked.json")).is_ok();
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let out = cmd
        .args(["rank", "-i"])
        .arg(d.join("estate.json"))
        .arg(d.join("locked.json"))
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", bin.display()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("locked.json: file: cannot read: Permission denied"),
        "{stderr}"
    );
    assert!(stderr.contains("error[unreadable-path]"), "{stderr}");
    assert!(
        stdout.contains("role/a") || stdout.contains(" a "),
        "{stdout}"
    );
}
