#!/usr/bin/env bash
# Runs the HDF5 benchmark for softness (Swift, release build) and h5py in one go, same machine,
# same data size, chunk shape and filters. Needs python3 with h5py and numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}
repeats=${REPEATS:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
swift build -c release --package-path benchmarks --product HDF5Benchmark >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%d)"
echo "libhdf5 (softness): $(pkg-config --modversion hdf5)"
benchmarks/.build/release/HDF5Benchmark "$rows" "$dir" "$repeats"
python3 benchmarks/h5py_bench.py "$rows" "$dir" "$repeats"
