#!/usr/bin/env bash
# make install PREFIX=…: a relocatable softness in PREFIX/bin (issue 15 item 4).
#
# - The Swift runtime and Foundation are linked statically (--static-swift-stdlib): no Swift
#   toolchain is needed where the binary runs.
# - libhdf5 (Debian's libhdf5_serial.so.103) and the libraries it needs that are not part of
#   glibc (libsz, libaec, libcurl and its dependencies, libcrypto, zlib, libstdc++, …) are copied
#   to PREFIX/lib/softness/; the binary finds them through an RPATH of $ORIGIN/../lib/softness
#   (DT_RPATH, which also applies to the libraries' own dependencies), so the PREFIX folder can
#   be copied or moved anywhere, e.g. to a cluster's shared file system.
# - glibc itself is not copied: the binary needs the glibc version of the build machine or newer
#   (printed at the end; Debian 12 builds need glibc 2.34+).
#
#   bash tools/install.sh PREFIX [BUILD_PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:?usage: tools/install.sh PREFIX [BUILD_PATH]}
build=${2:-.build-static}
bash tools/install-deps.sh
swift build -c release --product softness --static-swift-stdlib --build-path "$build" \
  -Xlinker --disable-new-dtags -Xlinker -rpath -Xlinker '$ORIGIN/../lib/softness' >&2
binary="$build/release/softness"
mkdir -p "$prefix/bin" "$prefix/lib/softness"
install -m 755 "$binary" "$prefix/bin/softness.partial"
strip --strip-unneeded "$prefix/bin/softness.partial" 2>/dev/null || true
mv -f "$prefix/bin/softness.partial" "$prefix/bin/softness"
# Every shared library the binary loads, except glibc's own (libc, libm, libpthread, libdl, librt,
# libresolv, the dynamic loader) and the vDSO.
copied=0
while read -r name path; do
  case "$name" in
    linux-vdso*|ld-linux*|libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|libresolv.so*) continue ;;
  esac
  [ -f "$path" ] || { echo "install: $name not found ($path)" >&2; exit 1; }
  cp -fL "$path" "$prefix/lib/softness/$name"
  copied=$((copied + 1))
done < <(ldd "$binary" | awk '/=>/ { print $1, $3 }')
glibc=$(objdump -T "$prefix/bin/softness" "$prefix"/lib/softness/*.so* 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -t. -k2,2n -k3,3n -u | tail -1)
echo "installed $prefix/bin/softness ($(du -sh "$prefix/bin/softness" | cut -f1)) and $copied libraries in $prefix/lib/softness ($(du -sh "$prefix/lib/softness" | cut -f1)); needs ${glibc:-glibc} or newer"
