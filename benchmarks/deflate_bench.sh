#!/usr/bin/env bash
# Deflate codecs (zlib, libdeflate, ISA-L) on the feature chunks of softness tables, one core,
# plus whole processes of a build before the ISA-L codec (OLD=path/to/softness) against this
# one (NEW, default .build/release/softness): generate (writes 1.1·10^6 × 14 float64), CSV import
# (convert) and label of a gzipped dump. Needs gcc, libdeflate-dev and libisal-dev (installed with
# apt-get when missing).
#   OLD=/tmp/softness-old bash benchmarks/deflate_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for pkg in libdeflate-dev libisal-dev; do dpkg -s "$pkg" >/dev/null 2>&1 || missing="${missing:-} $pkg"; done
if [ -n "${missing:-}" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; fi
work=${WORK:-scratch/deflate-bench}
NEW=${NEW:-.build/release/softness}
mkdir -p "$work"
gcc -O2 benchmarks/deflate_codecs.c -o "$work/deflate_codecs" $(pkg-config --cflags --libs hdf5) -lz -ldeflate -lisal
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
"$NEW" generate -n 1000000 --test-rows 100000 -o "$work/t14.h5" --force >/dev/null
"$NEW" generate -n 1000000 --test-rows 100000 --storage float32 --noise 10 -o "$work/t20.h5" --force >/dev/null
"$work/deflate_codecs" "$work/t14.h5" features
"$work/deflate_codecs" "$work/t20.h5" features
[ -n "${OLD:-}" ] || { echo "(set OLD=path/to/an/older/softness for the whole-process comparison)"; exit 0; }
"$NEW" convert "$work/t14.h5" "$work/t14.csv" --force >/dev/null
python3 - "$work/big.dump" <<'PY'
import random, sys
random.seed(1)
N, F, L = 10000, 200, 20.0
base = [(random.uniform(0, L), random.uniform(0, L), random.uniform(0, L)) for _ in range(N)]
with open(sys.argv[1], "w") as f:
    for frame in range(F):
        f.write(f"ITEM: TIMESTEP\n{frame * 100}\nITEM: NUMBER OF ATOMS\n{N}\nITEM: BOX BOUNDS pp pp pp\n0 {L}\n0 {L}\n0 {L}\nITEM: ATOMS id type xu yu zu\n")
        f.write("".join(f"{i + 1} {1 if i % 5 else 2} {x + random.gauss(0, 0.05):.4f} {y + random.gauss(0, 0.05):.4f} {z + random.gauss(0, 0.05):.4f}\n" for i, (x, y, z) in enumerate(base)))
PY
gzip -6 -f "$work/big.dump"
measure() {  # label, command...
  local label=$1; shift
  for round in 1 2 3; do /usr/bin/time -o "$work/time.$label" -a -f "%e %U" "$@" >/dev/null 2>&1 || echo "failed: $*" >&2; done
  sort -n "$work/time.$label" | awk -v l="$label" 'NR==2 { printf "%-28s median %5.2f s wall, %5.2f s user\n", l, $1, $2 }'
  rm -f "$work/time.$label"
}
for build in OLD NEW; do
  bin=${!build}
  measure "$build generate 1.1e6x14" "$bin" generate -n 1000000 --test-rows 100000 -o "$work/g.h5" --force
  measure "$build convert CSV -> table" "$bin" convert "$work/t14.csv" "$work/imported.h5" --force
  measure "$build label 200x1e4 .gz" "$bin" label "$work/big.dump.gz" -o "$work/l.h5" --force
  measure "$build train 1.1e6x14" "$bin" train "$work/t14.h5" --results "$work/t14.results.h5" --overwrite --run b
done
