#!/usr/bin/env bash
# Installs the system packages softness needs (Debian): libhdf5-dev, libisal-dev, libzstd-dev and pkg-config.
# Does nothing when they are present. Used by `make demo`, `make test` and .ci/run.
set -euo pipefail
missing=()
pkg-config --exists hdf5 2>/dev/null || missing+=(libhdf5-dev pkg-config)
pkg-config --exists libisal 2>/dev/null || missing+=(libisal-dev)
pkg-config --exists libzstd 2>/dev/null || missing+=(libzstd-dev)
if [ "${WITH_HDF5_TOOLS:-0}" = 1 ] && ! command -v h5dump >/dev/null 2>&1; then missing+=(hdf5-tools); fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]} with apt-get" >&2
log=/tmp/softness-install-deps.log
bash "$(dirname "$0")/apt-install.sh" "$log" "${missing[@]}" || { echo "apt-get install ${missing[*]} failed:" >&2; tail -5 "$log" >&2; exit 1; }
pkg-config --exists hdf5 || { echo "pkg-config still cannot find hdf5 after installing libhdf5-dev" >&2; exit 1; }
pkg-config --exists libisal || { echo "pkg-config still cannot find libisal after installing libisal-dev" >&2; exit 1; }
pkg-config --exists libzstd || { echo "pkg-config still cannot find libzstd after installing libzstd-dev" >&2; exit 1; }
