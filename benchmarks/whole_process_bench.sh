#!/usr/bin/env bash
# Whole processes against the Python tools (issue 15), side by side in one run on the SAME files.
#
#   bash benchmarks/whole_process_bench.sh
#   ONLY="tables label featurize" (default: all three parts), REPEATS=3 (median of, fast commands),
#   DATA=scratch/whole-process (generated tables and dumps; kept and reused), BIN=.build/release/softness
#
# Every time is a whole process measured by GNU time (`%e %U %M`: wall s, user s, peak RSS KiB):
# median wall of REPEATS runs for fast commands, 1 run for Python runs that take over ~20 s
# (PY_SLOW_REPEATS=1). softness writes its results file (the default, as a user runs it; the file
# is removed before each run); the Python scripts write nothing.
#
#   train      softness train FILE                vs sklearn_bench.py svm FILE 1
#              (h5py load of all datasets + standardize + LinearSVC(dual=False, C=1, tol=1e-4) on
#              the training rows; no softness written)
#   diagnose   softness diagnose FILE (B = 20)    vs sklearn_bench.py pipeline FILE 1 20
#              (h5py load + SVM + softness + logistic fits per T + 1/T fits + truth + B = 20 bootstrap)
#   read       softness validate --dry-run FILE   vs python3 -c h5py read of /features into numpy
#              floor: cat FILE > /dev/null with FILE in the page cache
#   label      softness label DUMP[.gz] --half-window 5  vs tools/featurize_reference.py phop
#              (on .gz: gzip -dc DUMP.gz | featurize_reference.py phop /dev/stdin)
#   featurize  benchmarks/featurize_bench.sh (its own best-of-REPEAT timing; PHOP=0)
#
# Python runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (machine convention).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data=${DATA:-scratch/whole-process}
repeats=${REPEATS:-3}
py_slow=${PY_SLOW_REPEATS:-1}
only=${ONLY:-tables label featurize}
bin=${BIN:-.build/release/softness}
mkdir -p "$data"
log="$data/whole-$(date -u +%Y%m%dT%H%M%S).log"
tfile="$data/.time"
: >"$log"
[ -x "$bin" ] || swift build -c release --product softness >&2
py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$@"; }
has() { [[ " $only " == *" $1 "* ]]; }

{
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "softness: $("$bin" --version 2>&1 | head -1); $(git rev-parse --short HEAD)"
echo "python: $(py -c 'import sys, numpy, scipy, sklearn, h5py; print(sys.version.split()[0], "numpy", numpy.__version__, "scipy", scipy.__version__, "sklearn", sklearn.__version__, "h5py", h5py.__version__)')"
} | tee -a "$log"

# measure ROW SIDE FILE RUNS [pre-command ';'] cmd...  -> one "rec" line in the log:
#   rec ROW SIDE FILE wall_median user_of_that_run maxrss_kib runs
# PRE (environment, optional) is a shell command run untimed before each run (e.g. removing results).
measure() {
  local row=$1 side=$2 file=$3 runs=$4; shift 4
  : >"$tfile"
  for _ in $(seq "$runs"); do
    if [ -n "${PRE:-}" ]; then eval "$PRE"; fi
    /usr/bin/time -o "$tfile" -a -f "%e %U %M" "$@" >"$data/.out" 2>&1 || { echo "FAILED: $*" >&2; tail -5 "$data/.out" >&2; exit 1; }
  done
  local med
  med=$(sort -n -k1,1 "$tfile" | awk -v n="$runs" 'NR == int((n + 1) / 2) {print}')
  echo "rec $row $side $file $med $runs # load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$log"
}

temps=0.3,0.35,0.4,0.5,0.6,0.8,1.0
if has tables; then
  sym="$data/symmetric14-1e6.h5"; spur="$data/spurious20-1e6.h5"
  [ -f "$sym" ] || "$bin" generate --variant symmetric -n 1000000 --test-rows 100000 --temperatures $temps --seed 1 -o "$sym" >/dev/null
  [ -f "$spur" ] || "$bin" generate --variant spurious -n 1000000 --test-rows 100000 --temperatures $temps --seed 1 -o "$spur" >/dev/null
  # Uncompressed copies: generate writes deflate and convert's --uncompressed is for imports only.
  for f in "$sym" "$spur"; do
    raw="${f%.h5}-raw.h5"
    [ -f "$raw" ] || h5repack -f NONE "$f" "$raw"
  done
  files=("$sym" "${sym%.h5}-raw.h5" "$spur" "${spur%.h5}-raw.h5")
  for f in "${files[@]}"; do
    echo "file $(basename "$f") bytes=$(stat -c %s "$f") features_bytes=$(py -c "import h5py,sys; d=h5py.File(sys.argv[1])['features']; print(d.size*d.dtype.itemsize, d.dtype, d.shape, d.compression)" "$f")" | tee -a "$log"
  done
  for f in "${files[@]}"; do
    b=$(basename "$f"); res="$data/run.results.h5"
    cat "$f" >/dev/null   # into the page cache
    measure cat floor "$b" "$repeats" bash -c "cat '$f' > /dev/null"
    measure read softness "$b" "$repeats" "$bin" validate --dry-run "$f"
    measure read h5py "$b" "$repeats" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 -c "import h5py, sys; x = h5py.File(sys.argv[1], 'r')['features'][...]" "$f"
    PRE="rm -rf '$res' '${res%.h5}.runs'" measure train softness "$b" "$repeats" "$bin" train "$f" --results "$res"
    measure train python "$b" "$repeats" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 benchmarks/sklearn_bench.py svm "$f" 1
    PRE="rm -rf '$res' '${res%.h5}.runs'" measure diagnose softness "$b" "$repeats" "$bin" diagnose "$f" --results "$res"
    measure diagnose python "$b" "$py_slow" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 benchmarks/sklearn_bench.py pipeline "$f" 1 20
  done
fi

if has label; then
  dump="$data/walk_10000x500.dump"
  [ -f "$dump" ] || python3 tools/make_ka_frame.py walk 10000 500 "$dump"
  [ -f "$dump.gz" ] || gzip -1 -k "$dump"
  echo "file $(basename "$dump") bytes=$(stat -c %s "$dump"); $(basename "$dump").gz bytes=$(stat -c %s "$dump.gz") (gzip -1)" | tee -a "$log"
  for d in "$dump" "$dump.gz"; do
    b=$(basename "$d"); cat "$d" >/dev/null
    measure cat floor "$b" "$repeats" bash -c "cat '$d' > /dev/null"
    measure label softness "$b" "$repeats" "$bin" label "$d" --half-window 5 -o "$data/labels.h5" --force
  done
  measure label python "$(basename "$dump")" "$py_slow" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 tools/featurize_reference.py phop "$dump" --half-window 5 -o "$data/phop.npy"
  measure label python "$(basename "$dump").gz" "$py_slow" bash -c "gzip -dc '$dump.gz' | env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 tools/featurize_reference.py phop /dev/stdin --half-window 5 -o '$data/phop_gz.npy'"
fi

if has featurize; then
  # featurize_bench.sh times best-of-REPEAT itself; reuse our binary's build directory.
  PHOP=0 REPEAT="$repeats" WORK="$root/$data/featurize" SCRATCH="$(dirname "$(dirname "$bin")")" \
    bash benchmarks/featurize_bench.sh 2>/dev/null | tee "$data/featurize.out" | sed 's/^/featurize_bench: /' | tee -a "$log"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"

# Table: speedups (Python wall / softness wall), and each time against its file's cat floor.
python3 - "$log" <<'EOF'
import sys, re, collections
recs = collections.defaultdict(dict); files = {}
feat = []
for line in open(sys.argv[1]):
    p = line.split()
    if p and p[0] == "rec":
        recs[(p[1], p[3])][p[2]] = (float(p[4]), float(p[5]), int(p[6]), int(p[7]))
    elif p and p[0] == "file":
        for m in re.finditer(r"(\S+?) bytes=(\d+)", line):
            files[m.group(1).lstrip(";")] = int(m.group(2))
    elif line.startswith("featurize_bench: featurize") or line.startswith("featurize_bench: task"):
        feat.append(line.split(None, 1)[1].rstrip())
targets = {"train": 8, "diagnose": 15, "read": 3, "label": 10}
print("\n| command | file | MB | floor cat s | softness wall s | user s | RSS MB | runs | Python wall s | user s | RSS MB | runs | speedup | target | met | softness / cat floor |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (row, f), r in recs.items():
    if row == "cat":
        continue
    sw = r.get("softness"); pyr = r.get("python") or r.get("h5py")
    floor = recs.get(("cat", f), {}).get("floor")
    if not sw or not pyr:
        continue
    s = pyr[0] / sw[0]; t = targets[row]
    mb = files.get(f, 0) / 1e6
    fl = f"{floor[0]:.3f}" if floor else ""
    ratio = f"{sw[0] / floor[0]:.0f}x" if floor and floor[0] > 0 else ""
    print(f"| {row} | {f} | {mb:.0f} | {fl} | {sw[0]:.2f} | {sw[1]:.2f} | {sw[2]/1024:.0f} | {sw[3]} | {pyr[0]:.2f} | {pyr[1]:.2f} | {pyr[2]/1024:.0f} | {pyr[3]} | {s:.1f}x | {t}x | {'met' if s >= t else 'NOT met'} | {ratio} |")
for l in feat:
    print("featurize (featurize_bench.sh):", l)
print(f"raw log: {sys.argv[1]}")
EOF
