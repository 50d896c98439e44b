#!/bin/sh
# Build libvfio-user's gpio-pci-idio-16 sample (the vfio-user server the
# VFIO tests talk to) from the checkout's neighbour ../shared/peers/ into
# the build tree, and link it as OUTPUT.  Needs json-c and cmocka
# (scripts/install-deps.sh).  Usage: build-vfio-user-peer.sh SRC BUILDDIR OUTPUT
set -e
src=$1
builddir=$2
output=$3
if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$src" >"$builddir.log" 2>&1 ||
        { cat "$builddir.log"; exit 1; }
fi
ninja -C "$builddir" samples/gpio-pci-idio-16 >>"$builddir.log" 2>&1 ||
    { cat "$builddir.log"; exit 1; }
# A link: the sample finds its library through its own directory ($ORIGIN).
ln -sf "$(cd "$builddir" && pwd)/samples/gpio-pci-idio-16" "$output"
