#!/usr/bin/env bash
# Regenerate sample-data/: Kob-Andersen 80:20 binary LJ trajectories (LAMMPS text dumps,
# columns `id type xu yu zu`, gzipped) at several supercooled temperatures.
#
#   tools/make_ka_sample.sh            # writes sample-data/ka_T*.dump.gz (+ .log.gz)
#   JOBS=1 tools/make_ka_sample.sh     # run temperatures one after another (default JOBS=2)
#   OUT=/tmp/x tools/make_ka_sample.sh # write elsewhere
#   TEMPS="0.80" tools/make_ka_sample.sh  # only some temperatures
#   PRESET=paper JOBS=1 tools/make_ka_sample.sh
#                                      # the paper-scale sample (N = 4096, T = 0.50...0.70, runs of
#                                      # several tau_alpha): dumps to scratch/ka-paper/ (NOT in git),
#                                      # timing-stripped logs to sample-data/ka-paper/ (see
#                                      # sample-data/README.md, "Paper-scale sample")
#
# Deterministic: fixed seeds, serial LAMMPS (1 MPI rank, no OpenMP), `gzip -n` (no name or
# time stamp in the gzip header), so the same LAMMPS build gives byte-identical files.
# Runtime: ~6.5 min wall with JOBS=2 on two (shared) cores: ~640k MD steps of N=1000 in total,
# 1000-1600 steps/s per core with Debian 12's LAMMPS 20220106 ("29 Sep 2021 update 2").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
PRESET="${PRESET:-small}"
JOBS="${JOBS:-2}"
INPUT="$here/lammps/in.ka"

# --- parameters (documented in sample-data/README.md) -------------------------------------
# RUNS entries: "T neq [nframes]" -- equilibration steps at T (after a 20 tau melt at T=2) and,
# optionally, production frames after t=0 (default NFRAMES).
case "$PRESET" in
small)
N_EDGE=10          # N = 10^3 = 1000 atoms (800 A + 200 B), number density 1.2, L = 9.41
NEVERY=200         # dump every 200 steps = 1.0 tau (dt = 0.005)
NFRAMES=100        # production frames after t=0 -> 101 frames, 100 tau
SEED0=20240611     # per-temperature seed = SEED0 + 1000*T (e.g. 20241161 at T=0.55)
# temperature : equilibration steps at T (after a 20 tau melt at T=2); longest first so that
# JOBS=2 keeps both cores busy. tau_alpha (F_s(q=7.25)=1/e, A) measured on these runs:
# ~200 at T=0.50 (F_s(100 tau) = 0.51), 26-68 at 0.55 (two seeds), 11-13 at 0.60, 5-6 at 0.70,
# 3 at 0.80.
RUNS=(
  "0.50 300000"    # 1500 tau ~ 7 tau_alpha
  "0.55 100000"    # 500 tau ~ 7-20 tau_alpha
  "0.60 60000"     # 300 tau ~ 25 tau_alpha
  "0.70 30000"     # 150 tau
  "0.80 30000"     # 150 tau
)
OUT="${OUT:-$root/sample-data}"
LOGOUT="${LOGOUT:-$OUT}"
GZIP_LEVEL=9
;;
paper)
N_EDGE=16          # N = 16^3 = 4096 atoms (3277 A + 819 B), number density 1.2, L = 15.05
NEVERY=200         # dump every 200 steps = 1.0 tau (dt = 0.005)
NFRAMES=200        # default production frames (overridden per temperature below)
SEED0=20261201     # per-temperature seed = SEED0 + 1000*T
# Sized on a 23 s timing run: 490 steps/s at N=4096, T=0.5 on one core (370 at T=2), i.e.
# ~680k steps ~ 25 min on one core. tau_alpha guesses from the N=1000 sample (200, ~50, 12,
# ~7, 5 tau); the measured values are in sample-data/README.md (tools/ka_fs.py).
# Fastest first, so that the analysis can start on the high temperatures.
RUNS=(
  "0.70 20000 150"     # eq 100 tau, production 150 tau
  "0.65 20000 150"     # eq 100 tau, production 150 tau
  "0.60 30000 200"     # eq 150 tau, production 200 tau
  "0.55 60000 400"     # eq 300 tau, production 400 tau
  "0.50 150000 1000"   # eq 750 tau, production 1000 tau
)
OUT="${OUT:-$root/scratch/ka-paper}"
LOGOUT="${LOGOUT:-$root/sample-data/ka-paper}"
GZIP_LEVEL=1       # the dumps stay out of git; fast compression
;;
*) echo "error: PRESET must be small or paper, not '$PRESET'" >&2; exit 1 ;;
esac
# TEMPS="0.55 0.60" limits the run to those entries of RUNS (same seeds, same output)
if [ -n "${TEMPS:-}" ]; then
  sel=()
  for r in "${RUNS[@]}"; do
    for t in $TEMPS; do [ "${r%% *}" = "$t" ] && sel+=("$r"); done
  done
  [ "${#sel[@]}" -gt 0 ] || { echo "error: TEMPS='$TEMPS' matches none of: ${RUNS[*]%% *}" >&2; exit 1; }
  RUNS=("${sel[@]}")
fi

# --- LAMMPS -------------------------------------------------------------------------------
find_lmp() {
  for b in lmp lmp_serial lmp_stable lmp_mpi; do
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return 0; fi
  done
  return 1
}
if ! LMP="$(find_lmp)"; then
  echo "LAMMPS not found; installing the Debian package (needs root)..." >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y lammps
  LMP="$(find_lmp)" || { echo "error: no lmp binary after installing lammps" >&2; exit 1; }
fi
echo "LAMMPS: $LMP ($("$LMP" -h | sed -n '2p' | sed 's/^ *//'))"

mkdir -p "$OUT" "$LOGOUT"
work="$(mktemp -d "${TMPDIR:-/tmp}/ka_sample.XXXXXX")"
trap 'rm -rf "$work"' EXIT

run_one() {  # $1 = index, $2 = T, $3 = equilibration steps, $4 = production frames
  local i="$1" T="$2" neq="$3" nframes="${4:-$NFRAMES}"
  local name="ka_T${T}"
  local seed
  seed=$(awk -v t="$T" -v s="$SEED0" 'BEGIN { printf "%d", s + int(1000 * t + 0.5) }')
  local t0=$SECONDS
  # run inside $work with relative paths so the log holds no temporary directory name
  ( cd "$work" && OMP_NUM_THREADS=1 "$LMP" -nocite -screen none -log "$name.log" -in "$INPUT" \
      -var T "$T" -var n "$N_EDGE" -var seed "$seed" -var neq "$neq" \
      -var nevery "$NEVERY" -var nframes "$nframes" -var dumpfile "$name.dump" ) \
    || { echo "error: LAMMPS failed for T=$T (log: $work/$name.log)" >&2; tail -5 "$work/$name.log" >&2; return 1; }
  gzip -"$GZIP_LEVEL" -n -c "$work/$name.dump" > "$OUT/$name.dump.gz.tmp"
  mv "$OUT/$name.dump.gz.tmp" "$OUT/$name.dump.gz"
  # the log documents the run (input echo + thermo output); drop the timing lines so the
  # file is reproducible byte for byte
  grep -v -E '^(Loop time|Performance|.*CPU use|Total wall time|MPI task timing|Section +\||-{20,}|(Pair|Neigh|Comm|Output|Modify|Other) +\|)' \
    "$work/$name.log" | gzip -9 -n > "$LOGOUT/$name.log.gz"
  rm -f "$work/$name.dump"
  echo "T=$T done in $((SECONDS - t0)) s ($(awk '/^Loop time/{s+=$9; t+=$4} END{printf "%d steps in %.0f s of loop time, %.0f steps/s", s, t, s/t}' "$work/$name.log"))"
}

t_start=$SECONDS
pids=()
for i in "${!RUNS[@]}"; do
  read -r T neq nfr <<<"${RUNS[$i]}"
  run_one "$i" "$T" "$neq" "${nfr:-}" &
  pids+=($!)
  # keep at most $JOBS runs going
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ "$fail" -eq 0 ] || { echo "error: at least one run failed" >&2; exit 1; }

# --- summary ------------------------------------------------------------------------------
echo
echo "wrote $OUT in $((SECONDS - t_start)) s (N=$((N_EDGE**3)), dt=0.005, dump every $NEVERY steps)"
printf '%-20s %10s %7s %9s %10s %9s\n' file bytes frames "<T>prod" "<PE/N>" "<P>"
for r in "${RUNS[@]}"; do
  read -r T _ <<<"$r"
  f="$OUT/ka_T${T}.dump.gz"
  frames=$(zcat "$f" | grep -c '^ITEM: TIMESTEP')
  # averages over the production thermo lines (last run block of the log)
  stats=$(zcat "$LOGOUT/ka_T${T}.log.gz" | awk '
    /^ *Step /{blk++; next} /^Loop time/{inb=0}
    blk>0 && NF==4 && $1 ~ /^[0-9]+$/ {if (blk!=last){n=0;st=0;sp=0;sP=0;last=blk}; n++; st+=$2; sp+=$3; sP+=$4}
    END{printf "%9.4f %10.4f %9.3f", st/n, sp/n, sP/n}')
  printf '%-20s %10s %7s %s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$frames" "$stats"
done
echo "total: $(du -cb "$OUT"/ka_T*.dump.gz | tail -1 | cut -f1) bytes of dumps"
