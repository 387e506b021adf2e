#!/usr/bin/env bash
# Export the embedded demo estate to Parquet and execute the notebooks headless:
# notebooks/blast_radius.ipynb (over the exported tables) and notebooks/incident_response.ipynb
# (a leaked key, through the binary's JSON answers).
#
# Usage: notebooks/run.sh [BLASTGRAPH_BINARY]
#   (default: target/release/blastgraph under the repository root; a given relative path is
#   taken from the current directory)
#
# Writes out/demo/{nodes,edges,rank}.parquet, the charts (out/demo/reachable_by_class.png,
# out/demo/leak_blast_radius.png, out/demo/leak_before_after.png) and the executed notebooks
# out/blast_radius.executed.ipynb and out/incident_response.executed.ipynb (all relative to the
# repository root). Exits non-zero if the export or any notebook cell fails.
#
# Installs nothing: first `python3 -m pip install -r notebooks/requirements.txt`.
# PYTHON=/path/to/python picks the interpreter (default: python3 on PATH); the notebook's
# kernel runs on that same interpreter.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

bin="${1:-$root/target/release/blastgraph}"
[[ "$bin" == /* ]] || bin="$PWD/$bin"  # a given path is relative to where the script was called from
py="${PYTHON:-python3}"
[[ "$py" != */* || "$py" == /* ]] || py="$PWD/$py"
cd "$root"
export_dir="$root/out/demo"

if [[ ! -x "$bin" ]]; then
    echo "run.sh: blastgraph binary not found or not executable: $bin" >&2
    echo "run.sh: build it with 'cargo build --release' or pass its path as the first argument" >&2
    exit 2
fi
if ! command -v "$py" >/dev/null 2>&1; then
    echo "run.sh: Python interpreter not found: $py (set PYTHON=/path/to/python)" >&2
    exit 2
fi

# What the notebook and its runner import; name any that are missing and say how to get them.
missing="$("$py" - <<'EOF'
import importlib.util
need = ["nbclient", "nbformat", "ipykernel", "jupyter_client", "polars", "matplotlib"]
print(" ".join(m for m in need if importlib.util.find_spec(m) is None))
EOF
)"
if [[ -n "$missing" ]]; then
    echo "run.sh: $py lacks the Python packages: $missing" >&2
    echo "run.sh: install them first with: $py -m pip install -r notebooks/requirements.txt" >&2
    exit 3
fi

# A python3 kernel: jupyter_client offers the interpreter's own ipykernel as 'python3' whenever
# ipykernel is importable, so this only registers one if that somehow is not the case.
if ! "$py" -c 'import sys; from jupyter_client.kernelspec import KernelSpecManager as K; sys.exit("python3" not in K().find_kernel_specs())'; then
    echo "run.sh: no python3 Jupyter kernel; registering this interpreter's ipykernel in its prefix"
    "$py" -m ipykernel install --sys-prefix --name python3
fi

rm -rf "$export_dir"
mkdir -p "$export_dir"
"$bin" export --to parquet -o "$export_dir"

export BLASTGRAPH_EXPORT="$export_dir"
export BLASTGRAPH_BIN="$bin"
export BLASTGRAPH_EXPECT_DEMO=1
export PYDEVD_DISABLE_FILE_VALIDATION=1  # silence debugpy's frozen-modules warning in the kernel
for name in blast_radius incident_response; do
"$py" - "notebooks/$name.ipynb" "$root/out/$name.executed.ipynb" <<'EOF'
import os
import re
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

source, target = sys.argv[1], sys.argv[2]
spec = KernelSpecManager().get_kernel_spec("python3")
kernel_python = spec.argv[0]
if kernel_python in {"python", "python3", f"python3.{sys.version_info[1]}"}:
    kernel_python = sys.executable  # jupyter_client runs a bare 'python' kernel on this interpreter
if os.path.abspath(kernel_python) != os.path.abspath(sys.executable):
    print(f"run.sh: warning: the python3 kernel runs {kernel_python}, not {sys.executable}; "
          f"its spec is {spec.resource_dir}", file=sys.stderr)

nb = nbformat.read(source, as_version=4)
client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "notebooks"}})
start = time.monotonic()
failed = None
try:
    client.execute()
except CellExecutionError as error:
    failed = str(error)
except Exception as error:  # dead kernel, timeout, no kernel at all
    failed = f"{type(error).__name__}: {error}"
finally:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    nbformat.write(nb, target)
elapsed = time.monotonic() - start
code_cells = sum(c.cell_type == "code" for c in nb.cells)
if failed:
    print(re.sub(r"\x1b\[[0-9;]*m", "", failed), file=sys.stderr)  # no colour codes in CI logs
    print(f"run.sh: notebook FAILED after {elapsed:.1f}s; partial output in {target}", file=sys.stderr)
    sys.exit(1)
print(f"run.sh: executed {code_cells} code cells of {source} in {elapsed:.1f}s -> {target}")
EOF
done
