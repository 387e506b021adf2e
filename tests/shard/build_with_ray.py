"""`build --shard I/N` as tasks of a Ray cluster, then `merge`.

Run by .ci/run: python tests/shard/build_with_ray.py BLASTGRAPH WORKDIR N [BUILD ARGS...]

A local Ray cluster of two workers (``ray.init(num_cpus=2)``) runs the N
shards of a build, one task each: every task runs the blastgraph binary on
the same inputs (BUILD ARGS, e.g. ``-i raw/``) and writes its part folder.
`blastgraph merge` joins the parts. The merged snapshot must hold what the
unsharded build holds: the same nodes and edges (exported as CSV, rows
compared in any order), the same input records and problems, and the same
rank; each unit of work must be in exactly one part, and the tasks must
have run on both workers.
"""

import csv
import json
import os
import subprocess
import sys

import ray

BIN, WORK, N, BUILD = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]


def blastgraph(*args):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout


@ray.remote(num_cpus=1)
def shard(i, n):
    out = blastgraph("build", "-q", *BUILD, "--shard", f"{i}/{n}", "-o", f"{WORK}/part-{i}")
    meta = json.load(open(f"{WORK}/part-{i}/part.json"))
    return os.getpid(), meta["units"], out


def rows(path):
    with open(path, newline="") as f:
        r = list(csv.reader(f))
    # Node and edge positions depend on the numbering, not the contents.
    header = r[0]
    drop = {i for i, h in enumerate(header) if h in ("idx", "src_idx", "dst_idx")}
    return sorted(tuple(c for i, c in enumerate(row) if i not in drop) for row in r[1:])


def manifest(snapshot):
    m = json.load(open(f"{snapshot}/manifest.json"))
    m["inputs"] = sorted(m["inputs"], key=lambda i: i["path"])
    m["diagnostics"] = sorted(m["diagnostics"], key=json.dumps)
    return m


def rank(snapshot):
    return [{k: v for k, v in r.items() if k != "rank"}
            for r in json.loads(blastgraph("rank", "-q", "-i", snapshot, "-f", "json"))]


def main():
    os.makedirs(WORK, exist_ok=True)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        results = ray.get([shard.remote(i, N) for i in range(1, N + 1)])
    finally:
        ray.shutdown()
    workers = {pid for pid, _, _ in results}
    units = [u for _, us, _ in results for u in us]
    assert len(units) == len(set(units)), f"a unit is in two parts: {units}"
    blastgraph("merge", "-q", *[f"{WORK}/part-{i}" for i in range(1, N + 1)], "-o", f"{WORK}/merged")
    blastgraph("build", "-q", *BUILD, "-o", f"{WORK}/whole")
    for s in ("merged", "whole"):
        blastgraph("export", "-q", "-i", f"{WORK}/{s}", "--to", "csv", "-o", f"{WORK}/{s}-csv")
    for table in ("nodes", "edges"):
        a, b = rows(f"{WORK}/merged-csv/{table}.csv"), rows(f"{WORK}/whole-csv/{table}.csv")
        assert a == b, f"{table}: the merged parts differ from the unsharded build"
    assert manifest(f"{WORK}/merged") == manifest(f"{WORK}/whole"), "manifests differ"
    assert rank(f"{WORK}/merged") == rank(f"{WORK}/whole"), "ranks differ"
    assert len(workers) >= 2, f"all {N} tasks ran in one worker"
    m = manifest(f"{WORK}/whole")
    accounts = sorted(u for u in units if u.startswith("aws:"))
    assert len(accounts) >= 2, units
    print(f"build under Ray: {N} shards of {[len(us) for _, us, _ in results]} units "
          f"({len(units)} in all, AWS accounts {accounts}) on {len(workers)} workers, merged, "
          f"equal the unsharded build of {m['nodes']} nodes and {m['edges']} edges")


main()
