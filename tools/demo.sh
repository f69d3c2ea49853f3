#!/usr/bin/env bash
# The toy story of the paper, end to end, on built-in defaults (called by `make demo`):
# generate -> inspect -> validate -> diagnose (symmetric, N = 10^3 and 10^5, in memory and out of core) -> rfe (spurious),
# then a short verdict. Files go to ${DEMO_DIR:-scratch/demo}.
set -euo pipefail
cd "$(dirname "$0")/.."
softness=${SOFTNESS:-.build/release/softness}
dir=${DEMO_DIR:-scratch/demo}
mkdir -p "$dir"
log="$dir/demo.log"
: > "$log"
step() { echo; echo "== $*" | tee -a "$log"; }
run() { echo "\$ softness $*" | tee -a "$log"; "$softness" "$@" 2>&1 | tee -a "$log"; }

step "1. the paper's toy model (symmetric, 10 relevant + 4 noise dims, alpha = 1.2), training at T = 0.4"
run generate --variant symmetric -n 100000 --test-rows 20000 --seed 1 -o "$dir/symmetric.h5" --force
run inspect "$dir/symmetric.h5"
step "2. validation"
run validate "$dir/symmetric.h5"
step "3. diagnose with N = 10^5 training rows"
run diagnose "$dir/symmetric.h5" --run N100000 --overwrite
step "3b. the same table out of core: --memory below what it needs in memory, so the features are read from the file for every pass"
run diagnose "$dir/symmetric.h5" --run N100000-out-of-core --overwrite --memory 30M --piece-rows 16384
if [ "$(grep -A40 -e '--run N100000 --overwrite$' "$log" | grep -m1 '^verdict')" = "$(grep -A60 -e '--run N100000-out-of-core' "$log" | grep -m1 '^verdict')" ]; then
  echo "out of core: the same verdict as in memory (make test checks that every dataset of such runs is equal)" | tee -a "$log"
else
  echo "out of core: the verdict DIFFERS from the in-memory run" | tee -a "$log"; exit 1
fi
step "4. diagnose with N = 10^3 training rows (same test rows)"
run generate --variant symmetric -n 1000 --test-rows 20000 --seed 1 -o "$dir/symmetric-N1000.h5" --force
run diagnose "$dir/symmetric-N1000.h5" --run N1000 --overwrite
step "5. spurious inputs (x plus z_j = x_j^2 sum_k x_k, 20 features): recursive feature elimination"
run generate --variant spurious -n 100000 --test-rows 20000 --seed 1 -o "$dir/spurious.h5" --force
run diagnose "$dir/spurious.h5" --run all20 --overwrite
run rfe "$dir/spurious.h5" --overwrite --bootstrap 10

echo
echo "== verdict"
grep -E "^(verdict|accuracy|\\\$ softness (diagnose|rfe))" "$log" | sed 's/^\$ softness /  /'
echo
echo "Everything above is in $log; results are in $dir/*.results.h5 under /results/<run>/ (open with h5py or h5dump)."

DEMO_DIR="$dir" SOFTNESS="$softness" bash tools/demo_md.sh

echo
echo "== report: the paper's figures for every run above (softness report)"
shopt -s nullglob
inputs=("$dir"/*.results.h5 "$dir"/md/ka.results.h5 "$dir"/md/*.labels.h5 "$dir"/md/ka.h5)
run report "${inputs[@]}" -o "$dir/report" --force
echo "Open $dir/report/index.html in a browser (self-contained; figures also as SVG/PNG in $dir/report/)."
