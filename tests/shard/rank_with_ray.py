"""`rank --shard I/N` as tasks of a Ray cluster.

Run by .ci/run: python tests/shard/rank_with_ray.py BLASTGRAPH SNAPSHOT [N]

A local Ray cluster of two workers (``ray.init(num_cpus=2)``) runs the N
shards of a rank over a snapshot, one task each: every task runs the
blastgraph binary on its shard and returns its rows as JSON. The rows of the
N tasks together must be the rows of the unsharded rank (positions aside: a
shard numbers its own rows), each identity in exactly one shard, and the
tasks must have run on both workers. blastgraph schedules nothing itself:
any runner that can start N processes and concatenate their outputs will
do (a Kubernetes Indexed Job is documented in docs/sharding.md).
"""

import json
import os
import subprocess
import sys

import ray

BIN, SNAPSHOT = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 4


def rank(*extra):
    out = subprocess.run([BIN, "rank", "-q", "-i", SNAPSHOT, "-f", "json", *extra],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


@ray.remote(num_cpus=1)
def shard(i, n):
    return os.getpid(), rank("--shard", f"{i}/{n}")


def canonical(rows):
    rows = [{k: v for k, v in r.items() if k != "rank"} for r in rows]
    rows.sort(key=lambda r: (-r["score"], -r["possible_score"], r["id"]))
    return rows


def main():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        results = ray.get([shard.remote(i, N) for i in range(1, N + 1)])
    finally:
        ray.shutdown()
    workers = {pid for pid, _ in results}
    parts = [row for _, rows in results for row in rows]
    ids = [r["id"] for r in parts]
    assert len(ids) == len(set(ids)), "an identity is in two shards"
    whole = rank()
    assert len(whole) > 100, len(whole)
    assert canonical(parts) == canonical(whole), "the shards together differ from the whole rank"
    assert len(workers) >= 2, f"all {N} tasks ran in one worker"
    sizes = [len(rows) for _, rows in results]
    print(f"rank under Ray: {N} shards of {sizes} rows on {len(workers)} workers equal the "
          f"unsharded rank of {len(whole)} identities")


main()
