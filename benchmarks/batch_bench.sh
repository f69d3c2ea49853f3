#!/usr/bin/env bash
# softness batch against the same work as single commands under xargs -P2 (issue 13 benchmark):
# COPIES copies of each sample-data trajectory (N = 1000, 101 frames; 5 temperatures), labelled
# and featurized (small preset, every 10th frame, balanced), joined and diagnosed (bootstrap 0).
# Prints wall and CPU (user + sys) seconds of both, the per-file overhead of batch, and the cost
# of a no-op rerun. Usage: COPIES=20 bash benchmarks/batch_bench.sh   (needs a release build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOFTNESS="${SOFTNESS:-$root/.build/release/softness}"
COPIES="${COPIES:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
for t in 0.50 0.55 0.60 0.70 0.80; do
  mkdir -p "runs/T$t"
  for k in $(seq 1 "$COPIES"); do
    cp "$root/sample-data/ka_T$t.dump.gz" "runs/T$t/run$k.dump.gz"
    cp "$root/sample-data/ka_T$t.log.gz" "runs/T$t/run$k.log.gz"
  done
done
cat > batch.toml <<'TOML'
[label]
half_window = 5
p_c = 0.2
quiet_window = 5
[featurize]
preset = "small"
every = 10
balance = true
[join]
split_by = "row"
[diagnose]
bootstrap = 0
TOML
files=$(find runs -name '*.dump.gz' | wc -l)

read -r bw bu bs < <(/usr/bin/time -f "%e %U %S" "$SOFTNESS" batch runs --config batch.toml -o out --jobs 2 2>&1 >/dev/null | tail -1)
read -r nw nu ns < <(/usr/bin/time -f "%e %U %S" "$SOFTNESS" batch runs --config batch.toml -o out --jobs 2 2>&1 >/dev/null | tail -1)

cat > one.sh <<'SH'
#!/usr/bin/env bash
set -euo pipefail
f="$1"; t="${f#runs/T}"; t="${t%%/*}"; stem="single/$(echo "$f" | tr / _)"
"$SOFTNESS" label "$f" -o "$stem.labels.h5" --half-window 5 --p-c 0.2 --quiet-window 5 --threads 1 >/dev/null
"$SOFTNESS" featurize "$f" --labels "$stem.labels.h5" --temperature "$t" --balance --every 10 --preset small --threads 1 -o "$stem.table.h5" >/dev/null 2>&1
SH
mkdir -p single
export SOFTNESS
read -r lw lu ls < <(/usr/bin/time -f "%e %U %S" bash -c 'find runs -name "*.dump.gz" | sort | xargs -P2 -n1 bash one.sh && "$SOFTNESS" join $(ls single/*.table.h5) -o single/joined.h5 --split-by row >/dev/null && "$SOFTNESS" diagnose single/joined.h5 --bootstrap 0 >/dev/null 2>&1 || true' 2>&1 | tail -1)
python3 - "$files" "$bw" "$bu" "$bs" "$lw" "$lu" "$ls" "$nw" "$nu" "$ns" <<'PY'
import sys
n, bw, bu, bs, lw, lu, ls, nw, nu, ns = sys.argv[1], *map(float, sys.argv[2:])
print(f"{n} trajectories (N = 1000, 101 frames)")
print(f"softness batch --jobs 2:        wall {bw:7.2f} s   cpu {bu + bs:7.2f} s")
print(f"single commands, xargs -P2:     wall {lw:7.2f} s   cpu {lu + ls:7.2f} s")
print(f"batch overhead over the single commands' CPU time: {100 * ((bu + bs) / (lu + ls) - 1):+.1f} %")
print(f"no-op rerun of softness batch:  wall {nw:7.3f} s   cpu {nu + ns:7.3f} s")
PY
