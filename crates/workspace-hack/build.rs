//! Empty: a build script makes the `[build-dependencies]` above part of
//! the host feature resolution.

fn main() {}
