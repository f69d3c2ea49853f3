#!/usr/bin/env bash
# softness convert against the Python tools, side by side in one run (issue 12): a 10^6 × 20
# float64 table exported to CSV, LIBSVM, NPY and imported back, as whole processes (softness
# reads/writes the HDF5 table; Python reads it with h5py first) and as the format step alone
# (Python: in-memory arrays; `cp` of the .npy as the floor for NPY). Prints a markdown table.
#
# Every cell is the median of REPEAT runs (default 3); the machine load is printed before and after.
#
#   bash benchmarks/convert_bench.sh          # needs python3 with h5py, numpy, pandas, scikit-learn
#   REPEAT=1 SOFTNESS=/path/to/other/softness bash benchmarks/convert_bench.sh   # e.g. an older build
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${DATA:-/tmp/softness-bench}/convert; mkdir -p "$dir"
repeat=${REPEAT:-3}
if [ -z "${SOFTNESS:-}" ]; then swift build -c release --product softness >/dev/null; fi
softness=${SOFTNESS:-.build/release/softness}
table="$dir/t.h5"
[ -f "$table" ] || "$softness" generate --variant spurious -n 1000000 --test-rows 0 --temperatures 0.5 \
  --train-temperatures 0.5 --storage float64 -o "$table" >/dev/null
py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$@"; }
# median of the lines on stdin (each "<seconds> [more fields]"), by the first field
median() { sort -n | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'; }
# whole process, median of $repeat runs: wall seconds and peak RSS (MB)
timed() {
  for _ in $(seq "$repeat"); do /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; done |
    median | awk '{printf "%.2f s, %d MB", $1, $2 / 1024}'
}
ours() { rm -f "$2"; timed "$softness" convert "$@" --force; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| step | softness convert (whole process) | Python, whole process (h5py read included) | Python, format step only |"
echo "| --- | --- | --- | --- |"
row() { echo "| $1 | $2 | $3 | $4 |"; }
# Python side: one process per step, median of $repeat; prints "<whole-process wall s> <step s>".
pystep() { for _ in $(seq "$repeat"); do pyonce "$1"; done | median; }
pyonce() {
  py - "$table" "$dir" "$1" <<'PY'
import sys, time
t0 = time.perf_counter()
import h5py, numpy as np
table, d, step = sys.argv[1:4]
def load():
    with h5py.File(table, "r") as f:
        return f["features"][...], f["labels"][...], f["temperature"][...]
if step in ("to_csv", "to_svm", "to_npy"):
    X, y, T = load()
    s = time.perf_counter()
    if step == "to_csv":
        import pandas as pd
        df = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])]); df["label"] = y; df["temperature"] = T
        df.to_csv(f"{d}/py.csv", index=False)
    elif step == "to_svm":
        from sklearn.datasets import dump_svmlight_file
        dump_svmlight_file(X, y, f"{d}/py.svm")
    else:
        np.save(f"{d}/py.npy", X)
else:
    s = time.perf_counter()
    if step == "from_csv":
        import pandas as pd
        pd.read_csv(f"{d}/t.csv")
    else:
        from sklearn.datasets import load_svmlight_file
        load_svmlight_file(f"{d}/t.svm", n_features=20)
e = time.perf_counter()
print(f"{e - t0:.2f} {e - s:.2f}")
PY
}
csv=$(ours "$table" "$dir/t.csv"); svm=$(ours "$table" "$dir/t.svm"); npy=$(ours "$table" "$dir/t.npy")
read -r pw ps <<<"$(pystep to_csv)"; row "table → CSV" "$csv" "$pw s (pandas.to_csv)" "$ps s"
read -r pw ps <<<"$(pystep to_svm)"; row "table → LIBSVM" "$svm" "$pw s (dump_svmlight_file)" "$ps s"
read -r pw ps <<<"$(pystep to_npy)"; row "table → NPY (features)" "$npy" "$pw s (numpy.save)" "$ps s"
cpt=$( { /usr/bin/time -f "%e" cp "$dir/t.npy" "$dir/copy.npy"; } 2>&1 | tail -1 ); row "cp of the .npy" "$cpt s" "" ""
back_csv=$(ours "$dir/t.csv" "$dir/back-csv.h5")
back_csv_plain=$(ours "$dir/t.csv" "$dir/back-csv-plain.h5" --uncompressed)
back_svm=$(ours "$dir/t.svm" "$dir/back-svm.h5" --temperature 0.5 --features 20)
back_svm_plain=$(ours "$dir/t.svm" "$dir/back-svm-plain.h5" --temperature 0.5 --features 20 --uncompressed)
read -r pw ps <<<"$(pystep from_csv)"; row "CSV → table" "$back_csv" "$pw s (pandas.read_csv, to memory)" "$ps s"
row "CSV → table, --uncompressed" "$back_csv_plain" "" ""
read -r pw ps <<<"$(pystep from_svm)"; row "LIBSVM → table" "$back_svm" "$pw s (load_svmlight_file, to memory)" "$ps s"
row "LIBSVM → table, --uncompressed" "$back_svm_plain" "" ""
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); table sizes: $(stat -c '%n %s' "$dir"/back-csv.h5 "$dir"/back-csv-plain.h5 | sed "s|$dir/||g" | tr '\n' ' ')"
