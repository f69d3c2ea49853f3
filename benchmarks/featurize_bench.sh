#!/usr/bin/env bash
# Structure functions and p_hop: Swift CLI vs the numpy + scipy reference (tools/featurize_reference.py),
# back to back on the same inputs, with a numerical agreement check (h5py reads our output).
#
#   benchmarks/featurize_bench.sh            # N = 10^4 and 10^5, p_hop 500 frames x 10^4
#   SIZES="10000" PHOP=0 benchmarks/featurize_bench.sh
#   REPEAT=3 (best of REPEAT runs per side), WORK=/tmp/featurize-bench (inputs/outputs),
#   NP_CENTRES=2000 (numpy on N=10^5 featurizes only the first NP_CENTRES centres and its time is
#   scaled by N/NP_CENTRES; 0 = all)
# Needs: swift, python3 with numpy, scipy, h5py. Machine has 2 cores; timings are wall and CPU (user+sys).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
WORK="${WORK:-/tmp/featurize-bench}"
SIZES="${SIZES:-10000 100000}"
REPEAT="${REPEAT:-3}"
PHOP="${PHOP:-1}"
NP_CENTRES="${NP_CENTRES:-2000}"
SCRATCH="${SCRATCH:-.build-feat}"
mkdir -p "$WORK"
cd "$root"
swift build -c release --scratch-path "$SCRATCH" --product softness >&2
BIN="$root/$SCRATCH/release/softness"

# best wall / cpu seconds of REPEAT runs of "$@" -> "wall cpu"
best() {
  local bw=1e9 bc=1e9 w c
  for _ in $(seq "$REPEAT"); do
    /usr/bin/time -f "%e %U %S" -o "$WORK/.time" "$@" > "$WORK/.out" 2>&1 || { cat "$WORK/.out" >&2; exit 1; }
    read -r w u s < "$WORK/.time"
    c=$(python3 -c "print($u+$s)")
    bw=$(python3 -c "print(min($bw,$w))"); bc=$(python3 -c "print(min($bc,$c))")
  done
  echo "$bw $bc"
}

rows=()
for n in $SIZES; do
  dump="$WORK/ka_$n.dump"
  [ -f "$dump" ] || python3 tools/make_ka_frame.py frame "$n" "$dump"
  read -r sw sc < <(best "$BIN" featurize "$dump" --preset pooled --every 1 --storage float64 -o "$WORK/swift_$n.h5" --force)
  # single-thread Swift (thread scaling)
  read -r sw1 sc1 < <(REPEAT=1 best "$BIN" featurize "$dump" --preset pooled --every 1 --storage float64 --threads 1 -o "$WORK/swift1_$n.h5" --force)
  lim=0; scale=1
  if [ "$NP_CENTRES" -gt 0 ] && [ "$n" -gt 10000 ]; then lim=$NP_CENTRES; scale=$(python3 -c "print($n/$NP_CENTRES)"); fi
  read -r nw nc < <(REPEAT=1 best python3 tools/featurize_reference.py featurize "$dump" --particles "$lim" -o "$WORK/numpy_$n.npy")
  npjson=$(tail -1 "$WORK/.out")
  agree=$(python3 - "$WORK/swift_$n.h5" "$WORK/numpy_$n.npy" <<'PY'
import sys, h5py, numpy as np
X = h5py.File(sys.argv[1], "r")["features"][:]
R = np.load(sys.argv[2]); S = X[: len(R)]
rel = np.abs(S - R) / np.maximum(np.abs(R), 1e-300)
big = np.abs(R) > 1e-12 * np.abs(R).max(axis=0)
print("%.1e %.1e %d" % (rel.max(), rel[big].max(), len(R)))
PY
)
  rows+=("featurize N=$n|$sw|$sc|$sw1|$nw|$nc|$scale|$npjson|$agree")
done

if [ "$PHOP" = 1 ]; then
  dump="$WORK/walk_10000x500.dump"
  [ -f "$dump" ] || python3 tools/make_ka_frame.py walk 10000 500 "$dump"
  read -r sw sc < <(best "$BIN" label "$dump" --half-window 5 -o "$WORK/swift_labels.h5" --force)
  read -r sw1 sc1 < <(REPEAT=1 best "$BIN" label "$dump" --half-window 5 --threads 1 -o "$WORK/swift_labels1.h5" --force)
  read -r nw nc < <(REPEAT=1 best python3 tools/featurize_reference.py phop "$dump" --half-window 5 -o "$WORK/numpy_phop.npy")
  npjson=$(tail -1 "$WORK/.out")
  agree=$(python3 - "$WORK/swift_labels.h5" "$WORK/numpy_phop.npy" <<'PY'
import sys, h5py, numpy as np
P = h5py.File(sys.argv[1], "r")["phop"][:].astype(np.float64)   # stored as float32
R = np.load(sys.argv[2])
rel = np.abs(P - R) / np.maximum(np.abs(R), 1e-300)
print("%.1e %.1e %d" % (rel.max(), rel[R > 1e-6].max(), R.size))
PY
)
  rows+=("p_hop 500 frames N=10000|$sw|$sc|$sw1|$nw|$nc|1|$npjson|$agree")
fi

printf "\n%-26s %9s %9s %10s %11s %11s %9s %9s %s\n" "task" "swift s" "swift cpu" "swift 1thr" "numpy s" "numpy cmp s" "speedup" "vs cmp" "agreement (max rel; max rel where |ref|>1e-12 max; rows)"
for r in "${rows[@]}"; do
  IFS='|' read -r task sw sc sw1 nw nc scale js agree <<< "$r"
  python3 - "$task" "$sw" "$sc" "$sw1" "$nw" "$nc" "$scale" "$js" "$agree" <<'PY'
import sys, json
task, sw, sc, sw1, nw, nc, scale, js, agree = sys.argv[1:]
sw, sc, sw1, nw, scale = map(float, (sw, sc, sw1, nw, scale))
info = json.loads(js)
npw = nw * scale if scale != 1 else nw          # numpy wall (scaled to all centres when subset)
npc = info["compute_s"] * scale                  # numpy compute only (excl. read + import)
if scale != 1:
    npw = (nw - info["compute_s"]) + npc
print("%-26s %9.2f %9.2f %10.2f %11.2f %11.2f %8.1fx %8.1fx %s" % (task, sw, sc, sw1, npw, npc, npw / sw, npc / sw, agree))
PY
done
