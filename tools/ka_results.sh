#!/usr/bin/env bash
# The Kob-Andersen section of RESULTS.md (issue 10, item 7), end to end and deterministic.
#
#   PRESET=paper JOBS=1 tools/make_ka_sample.sh   # once: N=4096 dumps -> scratch/ka-paper/ (~30 min)
#   tools/ka_results.sh                           # tables + analysis on the full tables
#   STAGE=analysis INPUT=compact tools/ka_results.sh   # analysis on the committed compact tables only
#   SPLICE=1 tools/ka_results.sh                  # also replace the section between the markers in RESULTS.md
#
# Stages (STAGE=all | tables | analysis | section; default all; section = only rewrite the fragment
# from the outputs of a finished analysis):
#   tables    (needs the dumps in $TRAJ) per temperature: softness label (p_hop, t_R = 10 τ,
#             p_c = 0.2 σ², quiet window ±5 τ), the p_hop statistics of the A particles
#             (tools/ka_phop_stats.py -> sample-data/ka-paper/phop-A.md), F_s(q = 7.25, t) and τ_α
#             (tools/ka_fs.py -> sample-data/ka-paper/tau-alpha.md), the full tables
#             (featurize --labels --balance --species A, every 10th frame -> $WORK/full/),
#             and the committed compact tables (a fixed label-blind random subset of the A
#             particles, every 15th-50th frame -> sample-data/ka-paper/ka_T*.table.h5).
#   analysis  on INPUT=full ($WORK/full) or INPUT=compact (sample-data/ka-paper): join (split by
#             frame, seed 1) -> validate -> C by 5-fold cross-validation over the training
#             frames only (tools/ka_cv.py) -> diagnose -C (natural-rate P_R on the test frames)
#             -> rfe --bootstrap 10 -> tools/ka_section.py writes the markdown fragment
#             $WORK/$INPUT/ka-section.md.
# Threads: THREADS=1 by default (the machine is shared); results do not depend on it.
set -euo pipefail
cd "$(dirname "$0")/.."
softness=${SOFTNESS:-.build/release/softness}
TRAJ=${TRAJ:-scratch/ka-paper}
WORK=${WORK:-scratch/ka-results}
COMPACT=sample-data/ka-paper
STAGE=${STAGE:-all}
INPUT=${INPUT:-full}
THREADS=${THREADS:-1}
TEMPS=${TEMPS:-"0.50 0.55 0.60 0.65 0.70"}
# --- label parameters (justified in RESULTS.md from the p_hop distribution) ----------------
DT=0.005          # τ per MD step (LJ units); frames are 200 steps = 1 τ apart
HALF=5            # t_R / 2 = 5 τ  (Schoenholz et al. 2016: t_R ≈ 10 τ)
QUIET=5           # R = -1 needs p_hop ≤ p_c on all of [t - 5 τ, t + 5 τ]
PC=0.2            # σ²
SEED=1            # balance, join split, diagnose/rfe bootstrap, CV folds
# frames featurized (every n-th frame index): full tables, and the committed compact tables.
# The compact tables must stay a few MB (~600 bytes per row of 172 float32 features): ~13k rows
# in all, a label-blind random fraction of the A particles (frac_compact) in every n-th frame
# (every_compact), more of the budget at T = 0.50 where rearrangements are rarest.
every_full()    { echo 10; }   # 10 τ apart = t_R: a hop is seen in about one featurized frame
every_compact() { case "$1" in 0.50) echo 50 ;; 0.55) echo 25 ;; 0.60) echo 20 ;; *) echo 15 ;; esac; }
frac_compact()  { case "$1" in 0.50) echo 0.08 ;; 0.55) echo 0.05 ;; 0.60) echo 0.10 ;; *) echo 0.08 ;; esac; }
C_VALUES=${C_VALUES:-0.001,0.01,0.1,1,10}
BOOT=${BOOT:-20}          # diagnose: bootstrap replicates of Var(ΔE_inf)
RFE_BOOT=${RFE_BOOT:-10}  # rfe: replicates (each refits all 172 steps; 10 keeps the full run near 10 min)

run() { echo "\$ softness $*" >&2; "$softness" "$@"; }
mkdir -p "$WORK"

if [ "$STAGE" = all ] || [ "$STAGE" = tables ]; then
  mkdir -p "$WORK/labels" "$WORK/full" "$COMPACT"
  stats_args=(); fs_args=(); label_files=()
  for T in $TEMPS; do
    dump="$TRAJ/ka_T$T.dump.gz"
    [ -f "$dump" ] || { echo "error: $dump missing; run PRESET=paper JOBS=1 tools/make_ka_sample.sh" >&2; exit 1; }
    run label "$dump" -o "$WORK/labels/ka_T$T.labels.h5" --half-window-time $HALF --quiet-window-time $QUIET \
        --dt $DT --p-c $PC --threads "$THREADS" --force
    stats_args+=("$T=$WORK/labels/ka_T$T.labels.h5:$dump"); fs_args+=("$dump"); label_files+=("$WORK/labels/ka_T$T.labels.h5")
    run featurize "$dump" --labels "$WORK/labels/ka_T$T.labels.h5" --temperature "$T" --balance --seed $SEED \
        --species A --every "$(every_full "$T")" --preset schoenholz2016 --angular-cutoff 3.5 \
        --threads "$THREADS" -o "$WORK/full/ka_T$T.table.h5" --force
    python3 tools/ka_subset_labels.py "$WORK/labels/ka_T$T.labels.h5" "$WORK/labels/ka_T$T.subset.h5" \
        --fraction "$(frac_compact "$T")" --seed $SEED --dump "$dump" --type 1
    run featurize "$dump" --labels "$WORK/labels/ka_T$T.subset.h5" --temperature "$T" --balance \
        --balance-by temperature --seed $SEED --species A --every "$(every_compact "$T")" \
        --preset schoenholz2016 --angular-cutoff 3.5 --threads "$THREADS" -o "$COMPACT/ka_T$T.table.h5" --force
  done
  python3 tools/ka_phop_stats.py --type 1 --json "$COMPACT/phop-A.json" "${stats_args[@]}" > "$COMPACT/phop-A.md"
  python3 tools/ka_fs.py --markdown --sq --q 7.25 --type 1 --json "$COMPACT/tau-alpha.json" "${fs_args[@]}" > "$COMPACT/tau-alpha.md"
  # the p_hop distributions with p_c, drawn by softness (HTML + figures, not committed)
  run report "${label_files[@]}" -o "$WORK/report-labels" > "$WORK/report-labels.txt" 2>&1 || true
fi

if [ "$STAGE" = all ] || [ "$STAGE" = analysis ]; then
  case "$INPUT" in
    full) src="$WORK/full" ;;
    compact) src="$COMPACT" ;;
    *) echo "error: INPUT must be full or compact" >&2; exit 1 ;;
  esac
  out="$WORK/$INPUT"; mkdir -p "$out"
  tables=(); for T in $TEMPS; do tables+=("$src/ka_T$T.table.h5"); done
  run join "${tables[@]}" -o "$out/ka.h5" --split-by frame --test-fraction 0.5 --seed $SEED --force > "$out/join.txt" 2>&1
  run inspect "$out/ka.h5" > "$out/inspect.txt" 2>&1
  run validate "$out/ka.h5" > "$out/validate.txt" 2>&1 || true
  python3 tools/ka_cv.py "$out/ka.h5" --c-values "$C_VALUES" --folds 5 --seed $SEED --workdir "$out/cv" \
      --softness "$softness" --threads "$THREADS" > "$out/cv.md"
  C=$(sed -n 's/^chosen C = //p' "$out/cv.md")
  # the demo (tools/demo_md.sh) uses the C chosen on the full tables
  [ "$INPUT" = full ] && echo "$C" > "$COMPACT/svm-C.txt"
  rm -rf "$out/ka.results.h5" "$out/ka.results.runs"
  # one run each: the results file gets the run, standard output the JSON, standard error the text
  run diagnose "$out/ka.h5" -C "$C" --bootstrap "$BOOT" --seed $SEED --threads "$THREADS" --max-iterations 5000 \
      --run diagnose --json > "$out/diagnose.json" 2> "$out/diagnose.txt" || true
  run rfe "$out/ka.h5" -C "$C" --bootstrap "$RFE_BOOT" --seed $SEED --threads "$THREADS" --max-iterations 5000 \
      --run rfe --json > "$out/rfe.json" 2> "$out/rfe.txt" || true
fi

if [ "$STAGE" = all ] || [ "$STAGE" = analysis ] || [ "$STAGE" = section ]; then
  out="$WORK/$INPUT"
  C=$(sed -n 's/^chosen C = //p' "$out/cv.md")
  python3 tools/ka_section.py --dir "$out" --input "$INPUT" --compact "$COMPACT" --c "$C" > "$out/ka-section.md"
  echo "wrote $out/ka-section.md" >&2
  if [ "${SPLICE:-0}" = 1 ]; then
    # the committed copy (tools/reproduce_tables.py appends it when it regenerates RESULTS.md)
    cp "$out/ka-section.md" "$COMPACT/results-section.md"
    python3 - "$out/ka-section.md" <<'EOF'
import sys
frag = open(sys.argv[1]).read()
text = open("RESULTS.md").read()
begin, end = "<!-- ka-section:begin (tools/ka_results.sh) -->", "<!-- ka-section:end -->"
if begin in text:
    a = text.index(begin); b = text.index(end) + len(end)
    text = text[:a] + begin + "\n" + frag + end + text[b:]
else:
    text = text.rstrip("\n") + "\n\n" + begin + "\n" + frag + end + "\n"
open("RESULTS.md", "w").write(text)
print("spliced into RESULTS.md", file=sys.stderr)
EOF
  fi
fi
