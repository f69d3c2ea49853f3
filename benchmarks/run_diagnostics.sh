#!/usr/bin/env bash
# Diagnostics benchmark: softness (Swift, release) vs numpy/scikit-learn, side by side on the SAME files.
#
#   bash benchmarks/run_diagnostics.sh            # everything (≈ 15–20 min on 2 cores)
#   ONLY=svm bash benchmarks/run_diagnostics.sh   # one part: svm | pipeline | rfe
#
# Environment: DATA (directory for the generated tables, default /tmp/softness-bench; kept between
# runs and reused when present), REPEATS (best of, default 3), RFE_REPEATS and PY_PIPELINE_REPEATS
# (repeats of the slow scikit-learn RFE and B = 20 pipeline, default 1: they take minutes), BOOTSTRAP (replicates in the pipeline, default 20 = softness default),
# RFE_BOOTSTRAP (default 0), SCRATCH (SwiftPM scratch path, default .build-bench).
#
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for the python commands only, so numpy's OpenBLAS
# picks its own kernels for this CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-/tmp/softness-bench}
repeats=${REPEATS:-3}
rfe_repeats=${RFE_REPEATS:-1}
py_pipeline_repeats=${PY_PIPELINE_REPEATS:-1}
bootstrap=${BOOTSTRAP:-20}
rfe_bootstrap=${RFE_BOOTSTRAP:-0}
scratch=${SCRATCH:-.build-bench}
only=${ONLY:-all}
mkdir -p "$data"
log="$data/bench-$(date -u +%Y%m%dT%H%M%S).log"

swift build -c release --product softness --scratch-path "$scratch" >/dev/null
swift build -c release --package-path benchmarks --product DiagnosticsBenchmark >/dev/null
softness="$scratch/release/softness"
bench="benchmarks/.build/release/DiagnosticsBenchmark"
py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$@"; }

temps=0.3,0.35,0.4,0.5,0.6,0.8,1.0
sym="$data/symmetric14-1e6.h5"
spur="$data/spurious20-1e6.h5"
[ -f "$sym" ] || "$softness" generate --variant symmetric -n 1000000 --test-rows 100000 --temperatures $temps --seed 1 -o "$sym" >/dev/null
[ -f "$spur" ] || "$softness" generate --variant spurious -n 1000000 --test-rows 100000 --temperatures $temps --seed 1 -o "$spur" >/dev/null

{
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "swift: $(swift --version 2>&1 | head -1)"
echo "files: $sym ($(du -h "$sym" | cut -f1)), $spur ($(du -h "$spur" | cut -f1)); 10^6 training rows at T = 0.4, 10^5 test rows at each T in $temps"
} | tee "$log"

run() { echo "# load $(cut -d' ' -f1 /proc/loadavg)" >>"$log"; "$@" | tee -a "$log"; }

if [ "$only" = all ] || [ "$only" = svm ]; then
  for f in "$sym" "$spur"; do
    run "$bench" svm "$f" "$repeats" 1e-4
    # The same fit on one thread (liblinear is single-threaded); reported, not used for the speedup column.
    SOFTNESS_BENCH_THREADS=1 "$bench" svm "$f" "$repeats" 1e-4 | sed 's/^swift svm/swift svm_1thread/' | tee -a "$log"
    run py benchmarks/sklearn_bench.py svm "$f" "$repeats" 1e-4
    # liblinear's default tol = 1e-4 stops early; tighter tolerances show the time to reach an equal objective.
    run py benchmarks/sklearn_bench.py svm "$f" 1 1e-6
    run py benchmarks/sklearn_bench.py svm "$f" 1 1e-8
  done
fi
if [ "$only" = all ] || [ "$only" = pipeline ]; then
  for f in "$sym" "$spur"; do
    run "$bench" pipeline "$f" "$repeats" "$bootstrap"
    run py benchmarks/sklearn_bench.py pipeline "$f" "$py_pipeline_repeats" "$bootstrap"
  done
  # Without the bootstrap (B = 0): the pipeline proper, where scikit-learn's per-call overhead matters less.
  run "$bench" pipeline "$sym" "$repeats" 0
  run py benchmarks/sklearn_bench.py pipeline "$sym" "$repeats" 0
fi
if [ "$only" = all ] || [ "$only" = rfe ]; then
  run "$bench" rfe "$spur" "$repeats" "$rfe_bootstrap"
  run py benchmarks/sklearn_bench.py rfe "$spur" "$rfe_repeats" "$rfe_bootstrap"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"

# Side-by-side table from the key=value lines.
python3 - "$log" <<'EOF'
import sys, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) < 3 or p[0] not in ("swift", "sklearn") or p[1] == "rfe_step":
        continue
    kv = dict(x.split("=", 1) for x in p[2:] if "=" in x)
    key = (p[1], kv["file"], kv.get("bootstrap", ""))
    name = p[0] if p[0] == "swift" or kv.get("tol", "1e-4") in ("1e-4", "0.0001") else f"sklearn_tol{kv['tol']}"
    rows[key][name] = kv
print(f"\n{'benchmark':<36}{'softness s':>11}{'sklearn s':>11}{'speedup':>9}  {'objective softness':>20} {'objective sklearn':>20} {'rel diff':>9}  {'RSS/feat sw':>11} {'RSS/feat py':>11}")
for (mode, f, b), r in rows.items():
    sw, sk = r.get("swift"), r.get("sklearn")
    if not sw or not sk:
        continue
    ts, tp = float(sw["best_s"]), float(sk["best_s"])
    ok = sw.get("objective", sw.get("objective_first")); op = sk.get("objective", sk.get("objective_first"))
    rel = (float(op) - float(ok)) / float(ok)
    label = f"{mode} {f}" + (f" B={b}" if b else "")
    print(f"{label:<36}{ts:>11.3f}{tp:>11.3f}{tp/ts:>8.1f}x  {float(ok):>20.12e} {float(op):>20.12e} {rel:>9.1e}  "
          f"{float(sw['peak_rss_mb'])/float(sw['feature_mb']):>11.2f} {float(sk['peak_rss_mb'])/float(sk['feature_mb']):>11.2f}")
    for name, kv in r.items():
        if name.startswith("sklearn_tol"):
            rel = (float(kv["objective"]) - float(ok)) / float(ok)
            print(f"{'  ' + mode + ' ' + f + ' tol=' + kv['tol']:<36}{'':>11}{float(kv['best_s']):>11.3f}{float(kv['best_s'])/ts:>8.1f}x  {'':>20} {float(kv['objective']):>20.12e} {rel:>9.1e}")
print(f"raw log: {sys.argv[1]}")
EOF
