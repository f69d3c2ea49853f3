#!/usr/bin/env bash
# The MD story (called by `make demo` after the toy story), in the natural-rate workflow of
# Schoenholz et al. 2016: the committed compact Kob-Andersen tables (sample-data/ka-paper/, N = 4096,
# T = 0.50-0.70, A particles, made by tools/ka_results.sh) -> join (whole frames to train or test)
# -> validate -> diagnose (SVM on the balanced training sample, P(R|S,T) on every labelled A particle
# of the test frames) -> rfe, with a verdict: per-temperature accuracy and the Arrhenius fit quality.
# Without those tables it falls back to the N = 1000 dumps (sample-data/ka_T*.dump.gz): label ->
# featurize --balance -> the same chain.
set -euo pipefail
cd "$(dirname "$0")/.."
softness=${SOFTNESS:-.build/release/softness}
dir=${DEMO_DIR:-scratch/demo}/md
mkdir -p "$dir"
log="$dir/demo-md.log"
: > "$log"
run() { echo "\$ softness $*" | tee -a "$log"; "$softness" "$@" 2>&1 | tee -a "$log"; }

shopt -s nullglob
tables=(sample-data/ka-paper/ka_T*.table.h5)
C=1
if [ ${#tables[@]} -ge 3 ]; then
    # C chosen by cross-validation over the training frames of the full tables (tools/ka_results.sh)
    [ -f sample-data/ka-paper/svm-C.txt ] && C=$(cat sample-data/ka-paper/svm-C.txt)
    echo; echo "== MD story: compact Kob-Andersen tables, ${#tables[@]} temperatures, from sample-data/ka-paper/ (C = $C)"
else
    dumps=(sample-data/ka_T*.dump.gz)
    if [ ${#dumps[@]} -lt 2 ]; then echo "no Kob-Andersen sample in sample-data/ (see tools/make_ka_sample.sh); skipping the MD story"; exit 0; fi
    echo; echo "== MD story: ${#dumps[@]} Kob-Andersen runs from sample-data/ (N = 1000)"
    tables=()
    for dump in "${dumps[@]}"; do
        name=$(basename "$dump" .dump.gz)
        t=${name##*_T}
        run label "$dump" -o "$dir/$name.labels.h5" --half-window 5 --p-c 0.2 --quiet-window 5 --force
        run featurize "$dump" --labels "$dir/$name.labels.h5" --temperature "$t" --balance --species A --preset small -o "$dir/$name.features.h5" --force
        tables+=("$dir/$name.features.h5")
    done
fi
run join "${tables[@]}" -o "$dir/ka.h5" --split-by frame --test-fraction 0.5 --seed 1 --force
run inspect "$dir/ka.h5"
run validate "$dir/ka.h5"
rm -rf "$dir/ka.results.h5" "$dir/ka.results.runs"
run diagnose "$dir/ka.h5" -C "$C" --run natural-rate --bootstrap 10 --max-iterations 5000 || true
run rfe "$dir/ka.h5" -C "$C" --run rfe --bootstrap 3 --max-iterations 5000 || true

echo
echo "== MD verdict (natural-rate P_R on the test frames)"
# per-temperature accuracy, the Arrhenius lines and their fit quality, and both verdicts
awk '/^test rows per temperature:/{p=1} /^logit P\(R=\+1\|S,T\)/{p=0} p' "$log"
grep -E "^(accuracy:|Arrhenius:|  R² of logit|  lack of fit|  two temperatures|verdict:)" "$log" || true
if [ -f sample-data/ka-paper/svm-C.txt ] && [ ${#tables[@]} -ge 3 ]; then
    echo "(compact tables: a few hundred balanced training rows, so expect a weak SVM; the full-table analysis is RESULTS.md, 'Kob–Andersen at the papers' scale')"
fi
echo "Everything above is in $log; results in $dir/ka.results.h5."
