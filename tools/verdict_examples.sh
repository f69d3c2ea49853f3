# The verdicts of RESULTS.md, section "Reading the verdict on hard cases" (issue 11): an
# imbalanced featurized table, a binned table that is not Arrhenius, and the stability of the
# RFE recommendation over seeds and bootstrap sizes. Sourced by tools/reproduce_paper.sh (which
# sets softness, data, json, temps, start); also runs alone (JSON into $DATA/repro-json):
#
#   bash tools/verdict_examples.sh
if [ -z "${softness:-}" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  data=${DATA:-/tmp/softness-bench}; json="$data/repro-json"; mkdir -p "$json"
  temps=0.3,0.35,0.4,0.5,0.6,0.8,1.0; start=$(date +%s)
  swift build -c release --product softness --scratch-path "${SCRATCH:-.build-bench}" >/dev/null
  softness="${SCRATCH:-.build-bench}/release/softness"
  source tools/repro_lib.sh
fi
ka="$data/ka-verdicts"; mkdir -p "$ka"

# 1. The committed Kob–Andersen sample featurized WITHOUT --balance (default p_c = 0.2): most
#    labelled pairs are quiet at low T. validate refuses it; diagnose names the imbalance; a
#    balanced selection fixes the training rows but not the test rows.
for T in 0.50 0.55 0.60 0.70 0.80; do
  [ -f "$ka/ka$T.table.h5" ] && continue
  log "label + featurize ka $T"
  "$softness" label "sample-data/ka_T$T.dump.gz" -o "$ka/ka$T.labels.h5" --half-window 5 --p-c 0.2 --quiet-window 5 --force >/dev/null
  "$softness" featurize "sample-data/ka_T$T.dump.gz" --labels "$ka/ka$T.labels.h5" --temperature "$T" --preset small -o "$ka/ka$T.table.h5" --force >/dev/null
done
[ -f "$ka/ka.h5" ] || "$softness" join "$ka"/ka0.*.table.h5 -o "$ka/ka.h5" >/dev/null
run verdict_ka_validate validate "$ka/ka.h5"
run verdict_ka_natural diagnose "$ka/ka.h5" --bootstrap 20
rm -f "$ka/ka.results.h5"; rm -rf "$ka/ka.results.runs"
"$softness" validate "$ka/ka.h5" --balance >/dev/null
run verdict_ka_balanced diagnose "$ka/ka.h5" --selection balance --bootstrap 20
run verdict_ka_rfe rfe "$ka/ka.h5" --selection balance --bootstrap 20

# 2. Binned tables with 10^6 particles per cell (tools/make_binned_table.py): an Arrhenius law,
#    and a Vogel–Fulcher-like law (T0 = 0.1) whose lines in 1/T are curved.
python3 tools/make_binned_table.py "$data/binned-arrhenius.csv" --count 1000000
python3 tools/make_binned_table.py "$data/binned-vft.csv" --t0 0.1 --count 1000000
run verdict_binned_arrhenius arrhenius --binned "$data/binned-arrhenius.csv"
run verdict_binned_vft arrhenius --binned "$data/binned-vft.csv"
run verdict_binned_vft_unweighted arrhenius --binned "$data/binned-vft.csv" --weighting none

# 3. RFE on the spurious 20-D toy at N = 10^5 (2·10^4 test rows per temperature): the
#    recommended set for toy seeds 1–5 and B = 5, 20, 50 bootstrap replicates.
for s in 1 2 3 4 5; do
  gen "$data/spurious20-1e5-2e4-seed$s.h5" spurious 100000 "$s" 20000
  for b in 5 20 50; do
    run "verdict_rfe_seed${s}_b$b" rfe "$data/spurious20-1e5-2e4-seed$s.h5" --bootstrap "$b" --seed "$s"
  done
done
