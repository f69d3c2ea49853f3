#!/usr/bin/env bash
# Out-of-core diagnose (issue 15 item 3; COMMAND=rfe or scan with ARGS for the others): a generated float32 table of ROWS rows × 20 features
# (not committed; ~77 bytes per row on disk), diagnosed with --memory LIMIT, peak RSS and time per
# pass from the run's own progress lines; with COMPARE=1 also in memory (needs ~224 bytes per
# row of RAM) and every dataset of the two runs compared with h5diff.
#   bash benchmarks/out_of_core_bench.sh                      # 10^8 rows, --memory 2G (7.7 GB file)
#   ROWS=10000000 LIMIT=300M COMPARE=1 bash benchmarks/out_of_core_bench.sh
#   TEST=7000000 bash benchmarks/out_of_core_bench.sh       # half the rows test rows: they go through TMPDIR
#   ROWS=1000000 LIMIT=30M COMPARE=1 COMMAND=rfe ARGS="--bootstrap 3 --min-features 15" bash benchmarks/out_of_core_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000000}
LIMIT=${LIMIT:-2G}
COMPARE=${COMPARE:-0}
COMMAND=${COMMAND:-diagnose}           # or rfe, scan
read -r -a ARGS <<< "${ARGS:-}"        # further arguments of the command
DIR=${DIR:-scratch/out-of-core}
SOFTNESS=${SOFTNESS:-.build/release/softness}
[ -x "$SOFTNESS" ] || swift build -c release --product softness
mkdir -p "$DIR"
TEST=${TEST:-$(( ROWS / 100 ))}        # test rows per test temperature (7 temperatures; default 1 % of the rows)
TRAIN=$(( ROWS - 7 * TEST ))
TABLE="$DIR/table-$ROWS-$TEST.h5"
if [ ! -f "$TABLE" ]; then
    /usr/bin/time -f "generate: %e s wall, %M kB peak RSS" "$SOFTNESS" generate -n "$TRAIN" --test-rows "$TEST" \
        --relevant 10 --noise 10 --storage float32 -o "$TABLE"
fi
RESULTS="$DIR/table-$ROWS-$TEST.results"
rm -rf "$RESULTS.h5" "$RESULTS.runs"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "table: $TABLE, $(du -h "$TABLE" | cut -f1)"
/usr/bin/time -f "out of core: %e s wall, %U s user, %M kB peak RSS" "$SOFTNESS" "$COMMAND" "$TABLE" "${ARGS[@]}" --memory "$LIMIT" --run ooc > "$DIR/ooc.out"
if [ "$COMPARE" = 1 ]; then
    /usr/bin/time -f "in memory:   %e s wall, %U s user, %M kB peak RSS" "$SOFTNESS" "$COMMAND" "$TABLE" "${ARGS[@]}" --run memory > "$DIR/memory.out"
    cmp -s "$DIR/ooc.out" "$DIR/memory.out" && echo "printed $COMMAND output identical"
    # Only provenance attributes (command_line, created) may differ; every dataset must be equal.
    command -v h5diff > /dev/null || { echo "h5diff not found (Debian: apt-get install hdf5-tools)"; exit 1; }
    differences=$(h5diff -c "$RESULTS.runs/memory.h5" "$RESULTS.runs/ooc.h5" \
        | grep -v -e "command_line" -e "created" -e "differences found" -e "is an empty dataset" || true)
    if [ -z "$differences" ]; then echo "every dataset identical"; else echo "$differences"; exit 1; fi
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
