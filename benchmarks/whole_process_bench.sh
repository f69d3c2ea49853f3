#!/usr/bin/env bash
# Whole processes against the Python tools (issue 15), side by side in one run on the SAME files.
#
#   bash benchmarks/whole_process_bench.sh
#   ONLY="imports tables label featurize" (default: these four parts; "perf" on request), REPEATS=3 (median of, fast commands),
#   DATA=scratch/whole-process (generated tables and dumps; kept and reused), BIN=.build/release/softness
#
# Every time is a whole process measured by GNU time (`%e %U %M`: wall s, user s, peak RSS KiB):
# median wall of REPEATS runs for fast commands; the slow Python runs (diagnose, label) run once,
# and REPEATS times in all when that first run took under 20 s (PY_SLOW_REPEATS=auto; or a number).
# softness writes its results file (the default, as a user runs it; the file is removed before each run); the Python scripts write nothing.
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
#   imports    python3 -c "import h5py, numpy" (and the scripts' other imports), softness --version:
#              the start-up each whole process pays before reading a byte
#   featurize  benchmarks/featurize_bench.sh (its own best-of-REPEAT timing; PHOP=0)
#   perf       (only with ONLY=perf) perf record of the softness commands: time per library and symbol
#
# Python runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (machine convention).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data=${DATA:-scratch/whole-process}
repeats=${REPEATS:-3}
py_slow=${PY_SLOW_REPEATS:-auto}
only=${ONLY:-imports tables label featurize}
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
  : >"$tfile"; : >"$tfile.hr"
  local t0 t1
  # RUNS = auto: one run; when it took under 20 s, REPEATS runs in all (median of).
  local auto=0 i=0
  if [ "$runs" = auto ]; then auto=1; runs=$repeats; fi
  while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    if [ -n "${PRE:-}" ]; then eval "$PRE"; fi
    t0=$EPOCHREALTIME
    /usr/bin/time -o "$tfile" -a -f "%e %U %M" "$@" >"$data/.out" 2>&1 || { echo "FAILED: $*" >&2; tail -5 "$data/.out" >&2; exit 1; }
    t1=$EPOCHREALTIME
    echo "$t0 $t1" >>"$tfile.hr"
    if [ "$auto" = 1 ] && [ "$i" = 1 ] && awk -v a="$t0" -v b="$t1" 'BEGIN {exit !(b - a >= 20)}'; then runs=1; fi
  done
  # GNU time's %e has 10 ms resolution: the wall column is bash's EPOCHREALTIME around the same
  # run (includes GNU time's own fork/exec, ~1 ms); user and RSS are GNU time's %U %M of that run.
  local med
  med=$(paste -d' ' "$tfile.hr" "$tfile" | awk '{printf "%.4f %s %s %s\n", $2 - $1, $3, $4, $5}' \
        | sort -n -k1,1 | awk -v n="$runs" 'NR == int((n + 1) / 2) {print $1, $3, $4, "gnu_e=" $2}')
  set -- $med
  echo "rec $row $side $file $1 $2 $3 $runs $4 # load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$log"
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

if has imports; then
  # What the Python side pays before reading a byte: interpreter start and imports.
  measure import python h5py+numpy "$repeats" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 -c "import h5py, numpy"
  measure import python sklearn_bench.py-imports "$repeats" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 -c "import h5py, numpy, scipy, sklearn.svm, sklearn.linear_model"
  measure import python featurize_reference-imports "$repeats" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 -c "import numpy, scipy.spatial"
  measure import softness --version "$repeats" "$bin" --version
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
# ONLY=perf (not in the default set): where the softness processes of the missed targets spend
# their time (perf record, no call graphs; top symbols by self time and the share per library).
if has perf; then
  sym="$data/symmetric14-1e6.h5"; dump="$data/walk_10000x500.dump"; res="$data/perf.results.h5"
  for c in "train $sym" "diagnose $sym" "validate --dry-run $sym" "label $dump --half-window 5 -o $data/labels.h5 --force" \
           "featurize $data/featurize/ka_10000.dump --preset pooled --every 1 --storage float64 -o $data/feat.h5 --force"; do
    rm -rf "$res" "${res%.h5}.runs"
    extra=(); case $c in train*|diagnose*) extra=(--results "$res") ;; esac
    perf record -q -F 2000 -o "$data/perf.data" -- "$bin" $c "${extra[@]}" >/dev/null 2>&1
    echo "perf softness $c: by library" | sed "s|$data/||g" | tee -a "$log"
    perf report -q -i "$data/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -v '^$' | head -6 | sed 's/^/perf   /' | tee -a "$log" || true
    echo "perf softness $c: top symbols" | sed "s|$data/||g" | tee -a "$log"
    perf report -q -i "$data/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null | grep -v '^$' | head -12 | cut -c1-150 | sed 's/^/perf   /' | tee -a "$log" || true
  done
  rm -f "$data/perf.data"
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
print("\n| command | file | MB | floor cat s | cat GB/s | softness wall s | user s | RSS MB | runs | Python wall s | user s | RSS MB | runs | speedup | target | met | softness / cat floor |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (row, f), r in recs.items():
    if row == "cat":
        continue
    sw = r.get("softness"); pyr = r.get("python") or r.get("h5py")
    floor = recs.get(("cat", f), {}).get("floor")
    if not sw or not pyr:
        continue
    s = pyr[0] / sw[0]; t = targets[row]
    mb = files.get(f, 0) / 1e6
    fl = f"{floor[0]:.4f}" if floor else ""
    gbs = f"{files.get(f, 0) / floor[0] / 1e9:.1f}" if floor and floor[0] > 0 else ""
    ratio = f"{sw[0] / floor[0]:.0f}x" if floor and floor[0] > 0 else ""
    print(f"| {row} | {f} | {mb:.0f} | {fl} | {gbs} | {sw[0]:.2f} | {sw[1]:.2f} | {sw[2]/1024:.0f} | {sw[3]} | {pyr[0]:.2f} | {pyr[1]:.2f} | {pyr[2]/1024:.0f} | {pyr[3]} | {s:.1f}x | {t}x | {'met' if s >= t else 'NOT met'} | {ratio} |")
for (row, f), r in recs.items():
    if row == "import":
        for side, v in r.items():
            print(f"start-up {side} {f}: {v[0]:.3f} s wall, {v[1]:.2f} s user (median of {v[3]})")
for l in feat:
    print("featurize (featurize_bench.sh):", l)
    p = l.split()
    if p[0] == "featurize" and p[1] == "N=10000":
        sp = float(p[7].rstrip("x"))
        print(f"featurize N=10000 whole-process speedup {sp:.1f}x, target 15x: {'met' if sp >= 15 else 'NOT met'}")
print(f"raw log: {sys.argv[1]}")
EOF
