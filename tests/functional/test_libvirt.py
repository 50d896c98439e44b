#!/usr/bin/env python3
"""test_libvirt: Debian's libvirt manages hotmem, end to end.

Installs libvirt if it is missing (apt-get; the case is skipped only when
that fails), runs a private libvirtd (its own mount namespace: /etc/libvirt,
/run/libvirt, /var/lib|log|cache/libvirt are bind mounts of a temporary
directory, with qemu.conf's settings for running as root), defines a q35
domain with a virtio-mem device and hotmem as <emulator>, starts it,
resizes it with `virsh update-memory-device`, lets the guest driver
(libvirt-guest, attached through a <qemu:commandline> -qtest socket) plug,
and destroys it.  Prints TAP; everything it started is killed and its
directory removed at the end.

usage: test_libvirt.py HOTMEM_BINARY GUEST_HELPER
"""
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TIMEOUT_S = 60
DOMAIN = 'hotmem-test'
GIB = 1 << 30

QEMU_CONF = '''user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
remember_owner = 0
stdio_handler = "file"
'''

DOMAIN_XML = '''<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>{name}</name>
  <memory unit='GiB'>18</memory>
  <maxMemory slots='1' unit='GiB'>64</maxMemory>
  <currentMemory unit='GiB'>2</currentMemory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0' memory='2' unit='GiB'/></numa></cpu>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>{emulator}</emulator>
    <controller type='usb' model='none'/>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <memory model='virtio-mem'>
      <target>
        <size unit='GiB'>16</size>
        <node>0</node>
        <block unit='MiB'>2</block>
        <requested unit='GiB'>1</requested>
      </target>
      <alias name='virtiomem0'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </memory>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-qtest'/>
    <qemu:arg value='unix:{qtest}'/>
  </qemu:commandline>
</domain>
'''


class Tap:
    def __init__(self, planned):
        self.n = 0
        print('1..%d' % planned, flush=True)

    def ok(self, cond, name, detail=''):
        self.n += 1
        print('%s %d - %s' % ('ok' if cond else 'not ok', self.n, name),
              flush=True)
        if not cond and detail:
            for line in str(detail).splitlines()[-30:]:
                print('# ' + line, flush=True)
        return cond


def have_libvirt():
    return shutil.which('libvirtd') and shutil.which('virsh')


def install_libvirt():
    """apt-get install, with one apt-get update if the lists are stale."""
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    cmd = ['apt-get', 'install', '-y', '-q', 'libvirt-daemon-system',
           'libvirt-clients']
    for attempt in range(2):
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode == 0 and have_libvirt():
            return True
        if attempt == 0:
            subprocess.run(['apt-get', 'update', '-q'], env=env,
                           capture_output=True)
    return False


def wait_for(predicate, what, timeout=TIMEOUT_S):
    """Poll predicate until true (bounded); the thing awaited has no event."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    raise RuntimeError('timed out waiting for ' + what)


class Libvirtd:
    """A libvirtd of our own, in a private mount namespace."""

    def __init__(self, top):
        self.top = top
        self.sock = os.path.join(top, 'sock', 'libvirt-sock')
        for d in ('etc', 'run', 'lib', 'log', 'cache', 'sock'):
            os.makedirs(os.path.join(top, d))
        shutil.copytree('/etc/libvirt', os.path.join(top, 'etc'),
                        dirs_exist_ok=True)
        with open(os.path.join(top, 'etc', 'libvirtd.conf'), 'w') as f:
            f.write('unix_sock_dir = "%s"\n' % os.path.dirname(self.sock))
            f.write('log_filters = "1:qemu 3:util 3:object 3:event"\n')
            f.write('log_outputs = "1:file:%s/libvirtd.log"\n' % top)
        with open(os.path.join(top, 'etc', 'qemu.conf'), 'w') as f:
            f.write(QEMU_CONF)
        os.makedirs('/run/libvirt', exist_ok=True)   # the mount point
        mounts = ' && '.join(
            'mount --bind %s/%s %s' % (top, src, dst) for src, dst in
            (('etc', '/etc/libvirt'), ('run', '/run/libvirt'),
             ('lib', '/var/lib/libvirt'), ('log', '/var/log/libvirt'),
             ('cache', '/var/cache/libvirt')))
        self.proc = subprocess.Popen(
            ['unshare', '-m', '--propagation', 'private', 'sh', '-c',
             '%s && exec libvirtd -p %s/libvirtd.pid' % (mounts, top)],
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(top, 'libvirtd.stderr'), 'w'))
        wait_for(lambda: os.path.exists(self.sock) or
                 self.proc.poll() is not None, 'the libvirtd socket')
        if self.proc.poll() is not None:
            raise RuntimeError('libvirtd exited: ' + self.stderr())

    def stderr(self):
        with open(os.path.join(self.top, 'libvirtd.stderr')) as f:
            return f.read()

    def virsh(self, *args, check=True):
        r = subprocess.run(['virsh', '-c', 'qemu:///system?socket=' +
                            self.sock] + list(args),
                           capture_output=True, text=True, timeout=TIMEOUT_S)
        if check and r.returncode:
            raise RuntimeError('virsh %s: %s' % (' '.join(args),
                                                 r.stderr.strip()))
        return r.stdout

    def virsh_popen(self, *args):
        return subprocess.Popen(['virsh', '-c', 'qemu:///system?socket=' +
                                 self.sock] + list(args),
                                stdout=subprocess.PIPE, text=True)

    def domain_log(self):
        path = os.path.join(self.top, 'log', 'qemu', DOMAIN + '.log')
        return open(path).read() if os.path.exists(path) else ''

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def xml_size_kib(xml, tag):
    m = re.search(r"<memory model='virtio-mem'>.*?<%s unit='KiB'>(\d+)</%s>"
                  % (tag, tag), xml, re.S)
    return int(m.group(1)) if m else None


class Guest:
    """libvirt-guest: listens on the qtest socket, plugs on command."""

    def __init__(self, helper, path):
        self.proc = subprocess.Popen([helper, path], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.expect('listening')

    def expect(self, prefix):
        line = self.proc.stdout.readline().strip()
        if not line.startswith(prefix):
            raise RuntimeError('guest helper said %r, expected %r' %
                               (line, prefix))
        return line

    def plug(self):
        self.proc.stdin.write('plug\n')
        self.proc.stdin.flush()
        return int(self.expect('plugged').split()[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run_cases(tap, lv, hotmem, guest_helper, top):
    qtest_path = os.path.join(top, 'qtest.sock')
    caps = lv.virsh('domcapabilities', '--emulatorbin', hotmem,
                    '--virttype', 'qemu', '--machine', 'q35')
    tap.ok('<machine>pc-q35-7.2</machine>' in caps and
           '<domain>qemu</domain>' in caps,
           'libvirt probes hotmem: domcapabilities, type qemu, pc-q35-7.2',
           caps)

    xml_path = os.path.join(top, 'domain.xml')
    with open(xml_path, 'w') as f:
        f.write(DOMAIN_XML.format(name=DOMAIN, emulator=hotmem,
                                  qtest=qtest_path))
    lv.virsh('define', xml_path)
    guest = Guest(guest_helper, qtest_path)
    try:
        r = subprocess.run(['virsh', '-c', 'qemu:///system?socket=' +
                            lv.sock, 'start', DOMAIN],
                           capture_output=True, text=True, timeout=TIMEOUT_S)
        state = lv.virsh('domstate', DOMAIN).strip()
        tap.ok(r.returncode == 0 and state == 'running',
               'virsh start: the domain runs on hotmem',
               r.stderr + lv.domain_log())
        guest.expect('attached')

        lv.virsh('update-memory-device', DOMAIN, '--alias', 'virtiomem0',
                 '--requested-size', '2GiB')
        xml = lv.virsh('dumpxml', DOMAIN)
        tap.ok(xml_size_kib(xml, 'requested') == 2 * GIB // 1024,
               'update-memory-device: dumpxml <requested> is 2 GiB', xml)
        qmp = lv.virsh('qemu-monitor-command', DOMAIN,
                       '{"execute":"query-memory-devices"}')
        tap.ok('"requested-size":%d' % (2 * GIB) in qmp.replace(' ', ''),
               'query-memory-devices: requested-size is 2147483648', qmp)

        # each MEMORY_DEVICE_SIZE_CHANGE becomes a libvirt event; read
        # dumpxml after each until <current> reaches what the guest plugged
        events = lv.virsh_popen('event', DOMAIN, '--event',
                                'memory-device-size-change', '--loop',
                                '--timeout', str(TIMEOUT_S))
        plugged = guest.plug()
        current = seen = None
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            current = xml_size_kib(lv.virsh('dumpxml', DOMAIN), 'current')
            if current == plugged // 1024:
                break
            # the next event, or a second: virsh may have registered late
            if select.select([events.stdout], [], [], 1.0)[0]:
                seen = events.stdout.readline().strip() or seen
        events.kill()
        events.wait()
        tap.ok(plugged == 2 * GIB and current == 2 * GIB // 1024,
               'the guest plugs 2 GiB: dumpxml <current> follows '
               'MEMORY_DEVICE_SIZE_CHANGE',
               'plugged %s, current %s KiB, last event: %s' %
               (plugged, current, seen))

        lv.virsh('destroy', DOMAIN)
        state = lv.virsh('domstate', DOMAIN).strip()
        tap.ok(state == 'shut off', 'virsh destroy: the domain is shut off',
               state + '\n' + lv.domain_log())
    finally:
        guest.stop()
        lv.virsh('destroy', DOMAIN, check=False)
        lv.virsh('undefine', DOMAIN, check=False)


def main():
    hotmem, guest_helper = sys.argv[1], sys.argv[2]
    planned = 6
    if os.geteuid() != 0:
        print('1..1\nok 1 # SKIP needs root (a private libvirtd in its own '
              'mount namespace)')
        return 0
    if not have_libvirt() and not install_libvirt():
        print('1..1\nok 1 # SKIP libvirt cannot be installed (apt-get '
              'install libvirt-daemon-system libvirt-clients failed)')
        return 0
    tap = Tap(planned)
    top = tempfile.mkdtemp(prefix='hotmem-libvirt-')
    lv = None
    try:
        lv = Libvirtd(top)
        run_cases(tap, lv, hotmem, guest_helper, top)
    except Exception as exc:    # the remaining cases fail, with the reason
        detail = '%s\n%s' % (exc, lv.domain_log() if lv else '')
        while tap.n < planned:
            tap.ok(False, 'not reached', detail)
            detail = ''
    finally:
        if lv:
            lv.stop()
        shutil.rmtree(top, ignore_errors=True)
    return 0


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.exit(main())
