#!/bin/sh
# Install, build (warnings are errors), run every test; then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer.  Last line:
# "tests: N passed, N failed[, N skipped]".
set -e
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./configure --builddir=build --enable-werror >/dev/null
ninja -C build
./configure --builddir=build-san --enable-werror --enable-sanitizers >/dev/null
ninja -C build-san
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
python3 tests/run-tests.py build > build/test-report.txt || status=1
python3 tests/run-tests.py --no-reference build-san > build-san/test-report.txt || status=1
sed '$d' build/test-report.txt
echo "--- under ASan+UBSan ---"
sed '$d' build-san/test-report.txt
python3 - build/test-report.txt build-san/test-report.txt <<'PY'
import re, sys
tot = [0, 0, 0]
for f in sys.argv[1:]:
    last = open(f).read().strip().splitlines()[-1]
    m = re.match(r'tests: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?', last)
    if not m:
        tot[1] += 1
        continue
    for i in range(3):
        tot[i] += int(m.group(i + 1) or 0)
line = 'tests: %d passed, %d failed' % (tot[0], tot[1])
if tot[2]:
    line += ', %d skipped' % tot[2]
print(line)
PY
exit $status
