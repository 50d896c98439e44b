#!/bin/sh
# README command 1: install, build, and run the resize demo: a VM with a
# 1 TiB virtio-mem device on the qtest accelerator, the project's driver as
# the guest, resized through QMP 0 -> 16 GiB -> 4 GiB -> 0.
set -e
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -d build/meson-private ] || ./configure --builddir=build >/dev/null
ninja -C build >/dev/null
QTEST_QEMU_BINARY=$PWD/build/qemu-system-x86_64 exec ./build/tests/qtest/virtio-mem-demo
