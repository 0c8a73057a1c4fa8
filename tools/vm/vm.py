#!/usr/bin/env python3
"""vm.py - host side of the VM test bench: boots the image under
qemu-system-aarch64 (TCG, no KVM, no root) and talks to it.

  QEMU  -M virt -cpu cortex-a53 -smp 2, virtio-gpu 1920x1080, virtio-tablet,
        root disk (read-only), data disk (writable copy), transfer disk
        (a tar of files for the guest: stick images, bundles), serial log,
        two virtio serial ports (org.kiosk.events: the kiosk's FIRST_FRAME /
        SCREEN lines, written to a file; org.kiosk.cmd: command channel),
        QMP socket (screendump, pointer events, quit).
  A "reboot" is QEMU started again on the same data disk.

As a command:  vm.py shell  boots the image and gives an interactive shell on
the serial console (Ctrl-A X quits).
"""
import atexit
import base64
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tarfile
import time
import zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IMAGE = os.environ.get("VM_IMAGE_DIR", os.path.join(ROOT, "build", "vm"))
# The fixed instant of the bench (UTC); the host-side comparison runs use the
# same instant (Vietnam local time 08:30).
RTC_BASE = os.environ.get("VM_RTC_BASE", "2026-11-28T01:30:00")
SCREEN_W, SCREEN_H = 1920, 1080
_live = []


def _cleanup():
    for vm in list(_live):
        vm.kill()


atexit.register(_cleanup)
for _s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_s, lambda *_: sys.exit(130))


class VMError(Exception):
    pass


def ppm_to_png(ppm_path, png_path):
    """Convert a binary PPM (P6, maxval 255) to PNG; returns (w, h, rgb)."""
    with open(ppm_path, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(?:#.*\s+)*(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m:
        raise VMError("not a P6 PPM: " + ppm_path)
    w, h, maxv = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if maxv != 255:
        raise VMError("unexpected PPM maxval %d" % maxv)
    rgb = data[m.end():m.end() + w * h * 3]
    raw = b"".join(b"\0" + rgb[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    with open(png_path, "wb") as f:
        f.write(png)
    return w, h, rgb


class Screen:
    def __init__(self, w, h, rgb):
        self.w, self.h, self.rgb = w, h, rgb

    def pixel(self, x, y):
        i = (y * self.w + x) * 3
        return tuple(self.rgb[i:i + 3])


class VM:
    def __init__(self, run_dir, data_img, xfer_files=None, session=False, name="vm",
                 memory=2048, extra_append=""):
        self.run = os.path.abspath(run_dir)
        os.makedirs(self.run, exist_ok=True)
        self.data_img = data_img
        self.name = name
        self.session = session
        self.memory = memory
        self.extra_append = extra_append
        self.xfer_files = xfer_files or {}
        self.proc = None
        self.cmd_sock = None
        self.cmd_buf = b""
        self.seq = 0
        self.events_path = os.path.join(self.run, name + "-events.log")
        self.serial_path = os.path.join(self.run, name + "-serial.log")
        self.t_start = None

    # ---- life cycle -------------------------------------------------------
    def _xfer(self):
        path = os.path.join(self.run, self.name + "-xfer.tar")
        with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as t:
            info = tarfile.TarInfo("BENCH-XFER")
            info.size = 0
            t.addfile(info)
            for arc, src in sorted(self.xfer_files.items()):
                t.add(src, arcname=arc)
        sz = os.path.getsize(path)
        with open(path, "ab") as f:  # whole 512-byte sectors, plus slack
            f.write(b"\0" * ((-sz) % 65536 + 65536))
        return path

    def start(self, timeout=240):
        for p in (self.events_path, self.serial_path):
            if os.path.exists(p):
                os.unlink(p)
        for s in ("cmd.sock", "qmp.sock"):
            p = os.path.join(self.run, s)
            if os.path.exists(p):
                os.unlink(p)
        append = ("console=ttyAMA0 rdinit=/init quiet loglevel=4 consoleblank=0 "
                  "vt.global_cursor_default=0 panic=-1")
        if self.session == "drawtest":
            append += " kiosk.session=drawtest"
        elif not self.session:
            append += " kiosk.session=off"
        if self.extra_append:
            append += " " + self.extra_append
        r = self.run
        cmd = ["nice", "-n", "10", "qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53",
               "-smp", "2", "-m", str(self.memory), "-no-reboot", "-nodefaults",
               "-display", "none",
               "-kernel", os.path.join(IMAGE, "vmlinuz"),
               "-initrd", os.path.join(IMAGE, "initrd.gz"),
               "-append", append,
               "-rtc", "base=" + RTC_BASE,
               "-serial", "file:" + self.serial_path,
               "-drive", "if=none,id=root,format=raw,readonly=on,file=" +
               os.path.join(IMAGE, "rootfs.img"),
               "-device", "virtio-blk-pci,drive=root",
               "-drive", "if=none,id=data,format=raw,file=" + self.data_img,
               "-device", "virtio-blk-pci,drive=data",
               "-drive", "if=none,id=xfer,format=raw,readonly=on,file=" + self._xfer(),
               "-device", "virtio-blk-pci,drive=xfer",
               "-device", "virtio-gpu-pci,xres=%d,yres=%d" % (SCREEN_W, SCREEN_H),
               "-device", "virtio-tablet-pci",
               "-device", "virtio-serial-pci",
               "-chardev", "file,id=ev,path=" + self.events_path,
               "-device", "virtserialport,chardev=ev,name=org.kiosk.events",
               "-chardev", "socket,id=cmd,server=on,wait=off,path=" + os.path.join(r, "cmd.sock"),
               "-device", "virtserialport,chardev=cmd,name=org.kiosk.cmd",
               "-qmp", "unix:" + os.path.join(r, "qmp.sock") + ",server=on,wait=off"]
        with open(os.path.join(r, self.name + "-qemu.cmd"), "w") as f:
            f.write(" ".join(cmd) + "\n")
        self.t_start = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=open(os.path.join(r, self.name + "-qemu.log"), "wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _live.append(self)
        self._connect_cmd(timeout=30)
        line = self.wait_event(r"BENCH_READY.*", timeout=timeout)
        self.boot_s = time.monotonic() - self.t_start
        m = re.search(r"uptime=([0-9.]+)", line)
        self.ready_uptime = float(m.group(1)) if m else None
        # Unpack the transfer disk inside the guest.
        rc, out = self.sh("mkdir -p /run/bench/xfer && tar -xf /dev/vdc -C /run/bench/xfer", 120)
        if rc != 0:
            raise VMError("transfer disk: " + out)
        return self

    def _connect_cmd(self, timeout):
        path = os.path.join(self.run, "cmd.sock")
        end = time.monotonic() + timeout
        while True:
            self._check_alive()
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                self.cmd_sock = s
                return
            except OSError:
                s.close()
                if time.monotonic() > end:
                    raise VMError("no command socket")
                time.sleep(0.2)

    def _check_alive(self):
        if self.proc is None or self.proc.poll() is not None:
            raise VMError("QEMU is not running (see %s and %s)" % (
                self.serial_path, os.path.join(self.run, self.name + "-qemu.log")))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=60):
        """Clean shutdown (systemctl poweroff: units stopped, gadgets
        unplugged by bench-gadgets.service, data disk unmounted), then wait
        for QEMU to exit."""
        if not self.alive():
            self._forget()
            return
        try:
            # systemctl, not `poweroff`: the guest's busybox shell would run
            # its own applet, which signals PID 1 the busybox-init way.
            self.sh("(sleep 0.5; systemctl poweroff) >/dev/null 2>&1 &", 10)
        except VMError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.qmp("quit")
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self._forget()

    def _forget(self):
        if self.cmd_sock:
            self.cmd_sock.close()
            self.cmd_sock = None
        if self in _live:
            _live.remove(self)

    # ---- guest commands ---------------------------------------------------
    def sh(self, command, timeout=60):
        """Run a shell command in the guest; returns (rc, output)."""
        self._check_alive()
        self.seq += 1
        sid = str(self.seq)
        line = "%s %s\n" % (sid, base64.b64encode(command.encode()).decode())
        self.cmd_sock.sendall(line.encode())
        marker = re.compile(rb"\x1eEND " + sid.encode() + rb" (-?\d+)\n")
        end = time.monotonic() + timeout
        while True:
            m = marker.search(self.cmd_buf)
            if m:
                out = self.cmd_buf[:m.start()]
                self.cmd_buf = self.cmd_buf[m.end():]
                return int(m.group(1)), out.decode("utf-8", "replace")
            left = end - time.monotonic()
            if left <= 0:
                raise VMError("guest command timed out after %ds: %s" % (timeout, command))
            r, _, _ = select.select([self.cmd_sock], [], [], min(left, 1.0))
            if r:
                data = self.cmd_sock.recv(65536)
                if not data:
                    raise VMError("command channel closed")
                self.cmd_buf += data
            else:
                self._check_alive()

    def check(self, command, timeout=60):
        rc, out = self.sh(command, timeout)
        if rc != 0:
            raise VMError("guest command failed (rc %d): %s\n%s" % (rc, command, out))
        return out

    # ---- events console ---------------------------------------------------
    def events(self):
        try:
            with open(self.events_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def wait_event(self, pattern, timeout=60, start=0):
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.events(), start)
            if m:
                return m.group(0)
            self._check_alive()
            if time.monotonic() > end:
                raise VMError("no event /%s/ within %ds" % (pattern, timeout))
            time.sleep(0.2)

    # ---- QMP --------------------------------------------------------------
    def qmp(self, execute, **args):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(os.path.join(self.run, "qmp.sock"))
        f = s.makefile("rwb")
        json.loads(f.readline())
        for msg in ({"execute": "qmp_capabilities"},
                    {"execute": execute, "arguments": args} if args else {"execute": execute}):
            f.write(json.dumps(msg).encode() + b"\n")
            f.flush()
            while True:
                rep = json.loads(f.readline())
                if "return" in rep or "error" in rep:
                    break
        s.close()
        if "error" in rep:
            raise VMError("QMP %s: %s" % (execute, rep["error"]))
        return rep["return"]

    def screendump(self, png_path):
        ppm = png_path[:-4] + ".ppm"
        self.qmp("screendump", filename=ppm)
        w, h, rgb = ppm_to_png(ppm, png_path)
        os.unlink(ppm)
        return Screen(w, h, rgb)

    def tap(self, x, y):
        """Tap at screen pixel (x, y) with the virtio tablet.

        SDL 2.26 (Debian 12) passes the absolute axis values of an evdev
        pointer through unscaled (the tablet's range is 0..32767), so by
        default the pixel coordinates are sent as the axis values; set
        VM_TAP=scaled for an SDL that scales by the axis range."""
        if os.environ.get("VM_TAP", "raw") == "scaled":
            ax = round(x * 32767 / (SCREEN_W - 1))
            ay = round(y * 32767 / (SCREEN_H - 1))
        else:
            ax, ay = int(x), int(y)
        # Move one unit away first: an axis whose value does not change is
        # not reported by evdev, and SDL 2.26 then takes 0 for it.
        self.qmp("input-send-event", events=[
            {"type": "abs", "data": {"axis": "x", "value": ax + 1}},
            {"type": "abs", "data": {"axis": "y", "value": ay + 1}}])
        time.sleep(0.05)
        self.qmp("input-send-event", events=[
            {"type": "abs", "data": {"axis": "x", "value": ax}},
            {"type": "abs", "data": {"axis": "y", "value": ay}}])
        time.sleep(0.1)
        self.qmp("input-send-event", events=[
            {"type": "btn", "data": {"down": True, "button": "left"}}])
        time.sleep(0.1)
        self.qmp("input-send-event", events=[
            {"type": "btn", "data": {"down": False, "button": "left"}}])


def fresh_data_disk(run_dir, name="data.img"):
    dst = os.path.join(run_dir, name)
    os.makedirs(run_dir, exist_ok=True)
    shutil.copyfile(os.path.join(IMAGE, "data-seed.img"), dst)
    return dst


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("shell", "boot"):
        print(__doc__)
        return 2
    run_dir = os.path.join(IMAGE, "run-shell")
    data = fresh_data_disk(run_dir)
    vm = VM(run_dir, data, name="shell")
    vm.start()
    print("booted in %.1f s (guest uptime %.1f s)" % (vm.boot_s, vm.ready_uptime))
    if sys.argv[1] == "boot":
        vm.stop()
        return 0
    print("type shell commands; empty line or EOF quits")
    try:
        for line in sys.stdin:
            if not line.strip():
                break
            rc, out = vm.sh(line, 300)
            sys.stdout.write(out + ("[rc %d]\n" % rc if rc else ""))
    finally:
        vm.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
