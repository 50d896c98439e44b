#!/bin/sh
# Debian 12 packages hotmem needs to build and test.  Reasons for each are in
# docs/devel/build.md.  qemu-system-x86 is the reference VMM the tests also
# drive; qemu-utils brings qemu-storage-daemon for vhost-user tests;
# libjson-c-dev and libcmocka-dev build libvfio-user, the vfio-user server
# the VFIO tests talk to (tests/build-vfio-user-peer.sh).
set -e
pkgs="gcc libc6-dev meson ninja-build pkg-config python3 libglib2.0-dev libjansson-dev
      qemu-system-x86 qemu-utils procps libjson-c-dev libcmocka-dev"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends $missing
fi
