"""The Kubernetes Indexed Jobs of docs/sharding.md, checked.

Run by .ci/run: python tests/shard/validate_job.py [MANIFEST...]

For each manifest (docs/k8s/rank-shards.yaml and build-shards.yaml):

- kubernetes-validate --strict accepts it against the
  Kubernetes 1.37 schema, and rejects the same manifest with a misspelt field
  (its negative twin: the check can fail);
- the job is Indexed, with as many completions as pods in parallel, and its
  command gives each pod `--shard "$((JOB_COMPLETION_INDEX + 1))/N"` with N
  the number of completions.
"""

import re
import subprocess
import sys
import tempfile

import yaml  # installed with kubernetes-validate

MANIFESTS = sys.argv[1:] or ["docs/k8s/rank-shards.yaml", "docs/k8s/build-shards.yaml"]
VALIDATE = [sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet"]


def validate(path):
    return subprocess.run([*VALIDATE, path], capture_output=True, text=True)


def check(manifest):
    ok = validate(manifest)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    text = open(manifest).read()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(text.replace("completionMode:", "completionMod:"))
    bad = validate(f.name)
    assert bad.returncode != 0 and "completionMod" in bad.stdout + bad.stderr, bad.stdout + bad.stderr

    job = yaml.safe_load(text)
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    n = spec["completions"]
    assert spec["parallelism"] == n
    args = " ".join(spec["template"]["spec"]["containers"][0]["args"])
    m = re.search(r'--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/(\d+)"', args)
    assert m and int(m.group(1)) == n, args
    print(f"{manifest}: valid against Kubernetes 1.37 (strict), a misspelt field refused; {n} indexed pods, shard I+1/{n} each")


for m in MANIFESTS:
    check(m)
