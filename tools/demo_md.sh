#!/usr/bin/env bash
# The MD story (called by `make demo` after the toy story): the committed Kob-Andersen sample
# (sample-data/ka_T*.dump.gz) -> label (p_hop) -> featurize (structure functions, balanced classes)
# -> join (all temperatures, split by frame) -> validate -> diagnose -> rfe, with a verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
softness=${SOFTNESS:-.build/release/softness}
dir=${DEMO_DIR:-scratch/demo}/md
mkdir -p "$dir"
log="$dir/demo-md.log"
: > "$log"
run() { echo "\$ softness $*" | tee -a "$log"; "$softness" "$@" 2>&1 | tee -a "$log"; }

shopt -s nullglob
dumps=(sample-data/ka_T*.dump.gz)
if [ ${#dumps[@]} -lt 2 ]; then echo "no Kob-Andersen sample in sample-data/ (see tools/make_ka_sample.sh); skipping the MD story"; exit 0; fi

echo; echo "== MD story: ${#dumps[@]} Kob-Andersen runs from sample-data/"
tables=()
for dump in "${dumps[@]}"; do
    name=$(basename "$dump" .dump.gz)
    t=${name##*_T}
    run label "$dump" -o "$dir/$name.labels.h5" --half-window 5 --p-c 0.2 --quiet-window 5 --force
    run featurize "$dump" --labels "$dir/$name.labels.h5" --temperature "$t" --balance --preset small -o "$dir/$name.features.h5" --force
    tables+=("$dir/$name.features.h5")
done
run join "${tables[@]}" -o "$dir/ka.h5" --split-by frame --test-fraction 0.5 --force
run inspect "$dir/ka.h5"
run validate "$dir/ka.h5"
run diagnose "$dir/ka.h5" --run all-features --overwrite || true
run rfe "$dir/ka.h5" --overwrite --bootstrap 5 --min-features 2 || true

echo
echo "== MD verdict"
grep -E "^(verdict|accuracy|Arrhenius)" "$log" || true
echo "Everything above is in $log; results in $dir/ka.results.h5."
