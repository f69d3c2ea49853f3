#!/usr/bin/env bash
# Results-store benchmark: the cost of writing run k on a 10^6-row table does not grow with k,
# concurrent writers lose no run, and --overwrite gives the old run's space back.
# Usage: bash benchmarks/results_store_bench.sh [ROWS] (default 1000000); needs h5ls (Debian hdf5-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
swift build -c release --product softness >/dev/null
softness="$PWD/.build/release/softness"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$softness" generate -n "$rows" --test-rows 100000 --temperatures 0.4,0.6 -o t.h5 >/dev/null
echo "table: $rows training + 200000 test rows x 14 features, $(du -h t.h5 | cut -f1)"
now() { date +%s.%N; }
times=()
for k in $(seq 1 20); do
  start=$(now)
  "$softness" train t.h5 --run "r$k" >/dev/null 2>&1
  times+=("$(echo "$(now) - $start" | bc -l)")
done
printf 'train run k (whole process, s):'; for k in 1 2 5 10 15 20; do printf ' k=%d %.3f' "$k" "${times[$((k-1))]}"; done; echo
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median of 20: %.3f s\n", a[int((NR+1)/2)]}'
echo "ratio run 20 / run 1: $(echo "${times[19]} / ${times[0]}" | bc -l | cut -c1-5)"
echo "index $(stat -c %s t.results.h5) bytes for 20 runs; runs folder $(du -sh t.results.runs | cut -f1)"
# Delete the 20 runs' files from the index view: start a new results file for the concurrency part.
start=$(now)
for k in $(seq 1 8); do "$softness" train t.h5 --run "c$k" --results c.results.h5 >/dev/null 2>&1 & done
wait
echo "8 concurrent train processes: $(echo "$(now) - $start" | bc -l | cut -c1-5) s wall, runs in the index: $(h5ls c.results.h5/results 2>/dev/null | wc -l) (expected 8)"
for k in 1 2 3 4 5; do "$softness" train t.h5 --run same --overwrite --results o.results.h5 >/dev/null 2>&1; done
echo "5 x --overwrite of one run: run file $(stat -c %s o.results.runs/same.h5) bytes (one run: $(stat -c %s t.results.runs/r1.h5) bytes)"
