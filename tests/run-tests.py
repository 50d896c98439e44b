#!/usr/bin/env python3
"""Run every hotmem test program (TAP) and print the totals.

Tests are discovered with `meson introspect --tests`.  Tests in the suite
'reference' run a second time against Debian's QEMU 7.2 when it is
installed (QTEST_QEMU_BINARY=/usr/bin/qemu-system-x86_64,
QTEST_REFERENCE=1), so the same driver checks both.  The last line is
`tests: N passed, N failed[, N skipped]`; the exit status is 1 on any
failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

REFERENCE_QEMU = '/usr/bin/qemu-system-x86_64'
TAP_LINE = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*-?\s*(.*)$')


def load_tests(builddir):
    out = subprocess.run(['meson', 'introspect', '--tests', builddir],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_one(name, cmd, env, timeout, verbose):
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                              timeout=timeout)
        output, code = proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b'').decode(errors='replace') if \
            isinstance(exc.stdout, bytes) else (exc.stdout or '')
        output += '\n# TIMEOUT after %d s\n' % timeout
        code = -1
    passed = failed = skipped = 0
    failures = []
    planned = None
    for line in output.splitlines():
        if line.startswith('1..'):
            try:
                planned = int(line[3:].split()[0])
            except ValueError:
                pass
        m = TAP_LINE.match(line)
        if not m:
            continue
        desc = m.group(3)
        if '# SKIP' in desc or '# skip' in desc:
            skipped += 1
        elif m.group(1) == 'ok':
            passed += 1
        else:
            failed += 1
            failures.append(desc)
    seen = passed + failed + skipped
    if code != 0 and failed == 0:
        failed += 1
        failures.append('exit status %d' % code)
    if planned is not None and seen < planned and code == 0:
        failed += 1
        failures.append('planned %d tests, saw %d' % (planned, seen))
    if seen == 0 and code == 0 and planned is None:
        passed += 1     # a plain program without TAP: its exit status
    took = time.monotonic() - start
    status = 'FAIL' if failed else 'ok'
    print('%-4s %-40s %3d passed %3d failed %3d skipped  %.1fs' %
          (status, name, passed, failed, skipped, took), flush=True)
    if failed or verbose:
        for f in failures:
            print('     not ok: %s' % f)
        tail = output.splitlines()[-60:]
        print('\n'.join('     | ' + l for l in tail))
    return passed, failed, skipped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('builddir', nargs='?', default='build')
    ap.add_argument('--suite', action='append', default=[])
    ap.add_argument('--no-reference', action='store_true')
    ap.add_argument('--timeout', type=int, default=600)
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('filter', nargs='*')
    args = ap.parse_args()

    totals = [0, 0, 0]
    for t in load_tests(args.builddir):
        suites = [s.split(':')[-1] for s in t.get('suite', [])]
        if args.suite and not set(args.suite) & set(suites):
            continue
        if args.filter and not any(f in t['name'] for f in args.filter):
            continue
        if 'bench' in suites and 'bench' not in args.suite:
            continue
        env = dict(os.environ)
        env.update(t.get('env') or {})
        runs = [(t['name'], env)]
        if ('reference' in suites and not args.no_reference and
                os.access(REFERENCE_QEMU, os.X_OK)):
            ref_env = dict(env)
            ref_env['QTEST_QEMU_BINARY'] = REFERENCE_QEMU
            ref_env['QTEST_REFERENCE'] = '1'
            runs.append(('ref:' + t['name'], ref_env))
        for name, run_env in runs:
            res = run_one(name, t['cmd'], run_env,
                          t.get('timeout') or args.timeout, args.verbose)
            totals = [a + b for a, b in zip(totals, res)]

    line = 'tests: %d passed, %d failed' % (totals[0], totals[1])
    if totals[2]:
        line += ', %d skipped' % totals[2]
    print(line)
    return 1 if totals[1] else 0


if __name__ == '__main__':
    sys.exit(main())
