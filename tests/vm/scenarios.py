#!/usr/bin/env python3
"""scenarios.py - the scenarios of the virtual commune office (issue 7).

Each scenario boots (or reuses) the arm64 image under QEMU and checks one
thing end to end; it passes, fails (a real failure) or is skipped when a
piece it needs is not in the build yet (the kiosk app, the updater...), with
the reason. Usage:

  scenarios.py [--ci] [--list] [NAME ...]

--ci runs the fixed CI part. Exit status: 0 when nothing failed, 1 when a
scenario failed; with exactly one NAME, 77 when it was skipped. Screendumps
(PNG), logs and figures go to build/vm/results/.
"""
import os
import re
import shutil
import subprocess
import sys
import time
import traceback

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "vm"))
import vm as V  # noqa: E402

RESULTS = os.path.join(V.IMAGE, "results")
ARM_BIN = os.path.join(ROOT, "build", "arm64", "bin")
HOST_BIN = os.path.join(ROOT, "build", "bin")
HOST_TTOOLS = os.path.join(ROOT, "build", "native", "tests", "tools")
GADGET = "/usr/lib/kiosk-bench/gadget"
SDL_ENV = ("SDL_VIDEODRIVER=kmsdrm MESA_LOADER_DRIVER_OVERRIDE=kms_swrast "
           "MESA_SHADER_CACHE_DISABLE=true")
FIGURES = []


class Skip(Exception):
    pass


class Fail(Exception):
    pass


def need(cond, why):
    if not cond:
        raise Skip(why)


def expect(cond, what):
    if not cond:
        raise Fail(what)


def figure(name, value, unit):
    FIGURES.append((name, value, unit))
    print("  FIGURE %s: %s %s" % (name, value, unit), flush=True)


def wait_guest(vm, cond_cmd, timeout=20, what=None):
    """Poll a guest shell condition until it holds."""
    end = time.monotonic() + timeout
    while True:
        rc, out = vm.sh(cond_cmd, 30)
        if rc == 0:
            return out
        if time.monotonic() > end:
            raise Fail("%s (after %ds)" % (what or cond_cmd, timeout))
        time.sleep(0.5)


def binary_has(path, token):
    try:
        with open(path, "rb") as f:
            return token.encode() in f.read()
    except OSError:
        return False


def kiosk_app_ready():
    """The kiosk app in slot a reports FIRST_FRAME / SCREEN (the placeholder
    main.c does not)."""
    app = os.path.join(ARM_BIN, "kiosk")
    return binary_has(app, "FIRST_FRAME") and binary_has(app, "SCREEN")


# ---- shared boots -----------------------------------------------------------
class Bench:
    """One booted VM shared by the infrastructure scenarios (fresh disks)."""
    vm = None

    @classmethod
    def get(cls):
        if cls.vm is None or not cls.vm.alive():
            run = os.path.join(RESULTS, "bench")
            data = V.fresh_data_disk(run)
            stick = make_stick(run, "plain", {"hello.txt": b"xin chao, stick\n",
                                              "big.bin": os.urandom(12 << 20)}, 32768)
            cls.vm = V.VM(run, data, xfer_files={"sticks/plain.img": stick}, name="bench",
                          session="drawtest")
            cls.vm.start()
        return cls.vm

    @classmethod
    def stop(cls):
        if cls.vm is not None:
            cls.vm.stop()
            cls.vm = None


def make_stick(run, name, files, size_kib=16384):
    """A FAT stick image made like a technician's (mkfs.vfat -C, mcopy)."""
    img = os.path.join(run, name + ".img")
    if os.path.exists(img):
        os.unlink(img)
    subprocess.run(["mkfs.vfat", "-C", "-n", "KIOSKSTICK", img, str(size_kib)],
                   check=True, stdout=subprocess.DEVNULL)
    tmp = os.path.join(run, name + ".files")
    os.makedirs(tmp, exist_ok=True)
    for fname, data in files.items():
        p = os.path.join(tmp, fname)
        if isinstance(data, str) and os.path.exists(data):
            subprocess.run(["cp", data, p], check=True)
        else:
            with open(p, "wb") as f:
                f.write(data)
        subprocess.run(["mcopy", "-o", "-i", img, p, "::" + fname], check=True)
    return img


# ---- infrastructure scenarios (work with today's binaries) ------------------
def failed_units(vm):
    return vm.check("systemctl --failed --no-legend --plain 2>&1 || true").strip()


def system_running(vm, timeout=120):
    """`systemctl is-system-running --wait`: running, or the failed units."""
    rc, state = vm.sh("timeout %d systemctl is-system-running --wait" % timeout, timeout + 30)
    state = state.strip()
    expect(state == "running", "systemctl is-system-running: %s; failed units:\n%s\n%s" % (
        state, failed_units(vm),
        vm.check("journalctl -b -p warning --no-pager -q | tail -n 30 || true")))


def unit_prop(vm, unit, prop):
    return vm.check("systemctl show -p %s --value %s" % (prop, unit)).strip()


def sc_boot():
    """Boots kernel + initramfs + read-only ext4 root into systemd (PID 1):
    no failed unit, the board files installed where board/install.sh and
    lockdown.sh put them (kiosk.service enabled, getty on tty1 masked, sysctl
    applied), modules loaded, udev running, data disk mounted writable with
    slot a seeded, screen never blanks, no cursor."""
    t0 = time.monotonic()
    vm = Bench.get()
    figure("boot to BENCH_READY (host)", "%.1f" % (time.monotonic() - t0), "s")
    figure("boot to BENCH_READY (guest uptime)", "%.1f" % vm.ready_uptime, "s")
    # The session started at boot is the bench's draw test (SDL on KMSDRM).
    up = vm.wait_event(r"UPTIME [0-9.]+", 180)
    figure("boot to first frame, SDL KMSDRM via Mesa (guest uptime)", up.split()[1], "s")
    mounts = vm.check("cat /proc/mounts")
    expect(re.search(r"^/dev/vda / ext4 ro[, ]", mounts, re.M), "root is not read-only ext4:\n" + mounts)
    expect(re.search(r"^/dev/vdb /var/lib/kiosk ext4 rw[, ]", mounts, re.M),
           "data disk not mounted rw at /var/lib/kiosk:\n" + mounts)
    mods = vm.check("cut -d' ' -f1 /proc/modules")
    # At boot: udev's (screen, input) and modules-load.d's (software USB
    # controllers, gadget framework); usblp, usb-storage, cdc-acm and vfat
    # load when their devices come (printer, stick, scanner scenarios).
    for m in ("virtio_gpu", "dummy_hcd", "libcomposite", "virtio_input", "virtio_console"):
        expect(m in mods.split(), "module %s not loaded" % m)
    expect(vm.check("readlink /proc/1/exe").strip().endswith("/systemd"), "PID 1 is not systemd")
    system_running(vm)
    figure("systemd: boot finished (guest uptime, systemd-analyze)",
           vm.check("systemd-analyze 2>&1 | head -n 1 || true").strip().split(" = ")[-1], "")
    expect(vm.sh("systemctl -q is-active systemd-udevd.service systemd-journald.service")[0] == 0,
           "udev or journald is not running")
    for unit, want in (("kiosk.service", "enabled"), ("kiosk-health.path", "enabled"),
                       ("kiosk-fleet-install.path", "enabled"),
                       ("getty@tty1.service", "masked"),
                       ("autovt@tty1.service", "masked"), ("ctrl-alt-del.target", "masked"),
                       ("swap.target", "masked")):
        got = vm.sh("systemctl is-enabled " + unit)[1].strip()
        expect(got == want, "%s is %s, wanted %s" % (unit, got, want))
    for path in ("/etc/systemd/system/kiosk.service", "/etc/systemd/system/kiosk-update@.service",
                 "/etc/systemd/system/kiosk-health.path", "/etc/systemd/system/kiosk-health.service",
                 "/etc/udev/rules.d/90-kiosk-update.rules", "/etc/udev/rules.d/60-kiosk-printer.rules",
                 "/etc/tmpfiles.d/kiosk.conf", "/etc/polkit-1/rules.d/50-kiosk-time.rules",
                 "/etc/sysctl.d/90-kiosk-lockdown.conf", "/etc/systemd/logind.conf.d/90-kiosk.conf",
                 "/usr/local/lib/kiosk/kiosk-stick-update", "/usr/local/lib/kiosk/kiosk-fleet-install",
                 "/usr/local/bin/kiosk-launcher",
                 "/usr/local/bin/kiosk-update", "/usr/local/bin/kiosk-nofollow"):
        expect(vm.sh("test -e " + path)[0] == 0, "board file missing: " + path)
    expect(vm.check("cat /proc/sys/kernel/sysrq").strip() == "0", "sysctl.d not applied (sysrq on)")
    expect(vm.check("cat /proc/sys/fs/protected_regular /proc/sys/fs/protected_fifos").split() == ["2", "2"],
           "sysctl.d not applied (protected_regular, protected_fifos)")
    dirs = "/run/kiosk /run/kiosk/req /run/kiosk/ans /var/lib/kiosk/app /var/lib/kiosk/ledger"
    expect(vm.check("stat -c '%a %U:%G' " + dirs).split("\n")[:5] ==
           ["755 root:root", "700 kiosk:kiosk", "750 root:kiosk", "755 root:root", "750 kiosk:kiosk"],
           "tmpfiles did not set up /run/kiosk (req/, ans/), app/, ledger/: " +
           vm.check("stat -c '%n %a %U:%G' " + dirs))
    expect(vm.check("readlink /var/lib/kiosk/app/current").strip() == "slot-a",
           "app/current does not point to slot-a")
    expect(vm.sh("test -f /var/lib/kiosk/app/slot-a/VERSION && test -f /var/lib/kiosk/app/state.0 "
                 "&& test -f /var/lib/kiosk/app/state.1")[0] == 0,
           "slot layout incomplete (slot-a/VERSION, state.0, state.1)")
    # The records, slots and lock are root's alone: the kiosk user reads them.
    perms = vm.check("stat -c '%a %U:%G' /var/lib/kiosk /var/lib/kiosk/app/slot-a "
                     "/var/lib/kiosk/app/state.0 /var/lib/kiosk/app/state.1").split("\n")[:4]
    expect(perms == ["755 root:root", "755 root:root", "644 root:root", "644 root:root"],
           "data root, slot or state records not root's alone: %s" % perms)
    if os.path.exists(os.path.join(ARM_BIN, "kiosk-update")):
        st = update_status(vm)
        expect(st.get("current") == "a" and st.get("slot_a") == "good",
               "the factory version is not installed and good: %s" % st)
    cmdline = vm.check("cat /proc/cmdline")
    expect("consoleblank=0" in cmdline and "vt.global_cursor_default=0" in cmdline,
           "blanking/cursor not disabled: " + cmdline)
    expect(vm.check("cat /sys/module/kernel/parameters/consoleblank").strip() == "0", "console blanks")
    expect(vm.check("cat /etc/kiosk/compatible").strip() != "", "no compatible string")
    expect(vm.sh("touch /usr/bin/x 2>/dev/null")[0] != 0, "root filesystem is writable")
    date = vm.check("date -u +%Y-%m-%dT%H:%M").strip()
    expect(date.startswith(V.RTC_BASE[:13]), "guest clock %s is not the fixed %s" % (date, V.RTC_BASE))


def sc_screen():
    """SDL2 on KMSDRM (Mesa kms_swrast) draws a known pattern on virtio-gpu
    at 1920x1080; the QEMU screendump (PNG) shows it; a tap of the emulated
    pointer reaches SDL at the tapped pixel."""
    vm = Bench.get()
    try:
        vm.wait_event(r"SCREEN drawtest|DRAWTEST_FAIL", 180)
        out = vm.events()
        expect("DRAWTEST_FAIL" not in out, "drawtest failed:\n" + out)
        expect("VIDEO KMSDRM" in out and "MODE 1920x1080" in out, "not KMSDRM at 1920x1080:\n" + out)
        ff = re.search(r"FIRST_FRAME (\d+)", out)
        figure("drawtest first frame after start", ff.group(1), "ms")
        # A present reaches the screen on a later flip: sample until it shows.
        want = {(480, 270): (220, 30, 30), (1440, 270): (30, 200, 60),
                (480, 810): (30, 60, 220), (1440, 810): (255, 255, 255),
                (960, 540): (250, 220, 0)}
        png = os.path.join(RESULTS, "screen-drawtest.png")
        bad = None
        for _ in range(20):
            scr = vm.screendump(png)
            expect((scr.w, scr.h) == (1920, 1080), "screendump is %dx%d" % (scr.w, scr.h))
            bad = [(p, scr.pixel(*p), c) for p, c in want.items()
                   if max(abs(a - b) for a, b in zip(scr.pixel(*p), c)) > 8]
            if not bad:
                break
            time.sleep(1)
        expect(not bad, "screendump differs from the pattern (point, seen, wanted): %s; see %s" % (bad, png))
        print("  screendump: " + png)
        for (x, y) in ((100, 200), (1800, 1000)):
            vm.tap(x, y)
            vm.wait_event(r"TAP %d %d\n" % (x, y), 20)
    finally:
        vm.sh("pkill -f vm-drawtest; true")


def sc_printer_usblp():
    """Printer gadget 0416:5011 enumerates, usblp binds it (/dev/usb/lp0);
    bytes written there arrive at the gadget side; DLE EOT 4 is answered
    ok (0x12) and paper-out (0x72); unplug removes lp0, replug brings it back
    and printing works again."""
    vm = Bench.get()
    vm.check(GADGET + " printer plug")
    wait_guest(vm, "test -c /dev/usb/lp0", 60, "usblp did not create /dev/usb/lp0")
    dm = vm.check("dmesg | grep usblp")
    expect("vid 0x0416 pid 0x5011" in dm, "usblp did not bind 0416:5011:\n" + dm)
    payload = "\\x1b@BENCH-%d\\n\\x1dV\\x00" % int(time.time())
    vm.check("echo ok > /run/bench/printer.status; : > /run/bench/printer.bin; "
             "printf '%s' > /dev/usb/lp0" % payload)
    wanted = vm.check("printf '%s' | od -An -tx1" % payload).split()
    got = wait_guest(vm, "test $(wc -c < /run/bench/printer.bin) -ge %d && od -An -tx1 /run/bench/printer.bin"
                     % len(wanted), 10, "the gadget did not receive the bytes").split()
    expect(got == wanted, "gadget received %s, sent %s" % (got, wanted))
    for state, reply in (("ok", "12"), ("near-end", "1e"), ("paper-out", "72")):
        rep = ""
        for _ in range(3):  # a reply may land before the read starts: retry
            # usblp allows one open: write the query and read the reply on
            # it, with the shell's own read (busybox timeout keeps a watcher
            # process holding the descriptor).
            rep = vm.check("echo %s > /run/bench/printer.status; exec 4<>/dev/usb/lp0; "
                           "printf '\\x10\\x04\\x04' >&4; c=; IFS= read -r -t 5 -n 1 c <&4; "
                           "exec 4>&-; [ -n \"$c\" ] && printf '%%02x' \"'$c\"" % state).strip()
            if rep:
                break
        expect(rep == reply, "DLE EOT 4 in state %s answered %r, wanted %s" % (state, rep, reply))
    vm.check("echo ok > /run/bench/printer.status")
    # The kiosk's way: libusb finds the printer while usblp holds it,
    # detaches usblp, prints, reads status, gives it back.
    vm.check(": > /run/bench/printer.bin")
    out = vm.check("/usr/lib/kiosk-bench/vm-usbprobe 0416 5011 LIBUSB-TICKET", 60)
    expect("DETACHED 1" in out and "REPLY 12" in out and "REATTACHED" in out,
           "libusb path failed:\n" + out)
    got = wait_guest(vm, "grep -q LIBUSB-TICKET /run/bench/printer.bin && od -An -tx1 /run/bench/printer.bin",
                     10, "libusb bytes did not reach the printer").split()
    expect(strip_status_queries(bytes(int(x, 16) for x in got)) == b"LIBUSB-TICKET",
           "printer received %s" % got)
    wait_guest(vm, "test -c /dev/usb/lp0", 10, "usblp did not get the printer back")
    vm.check(GADGET + " printer unplug")
    wait_guest(vm, "test ! -e /dev/usb/lp0", 10, "lp0 still there after unplug")
    vm.check(GADGET + " printer plug")
    wait_guest(vm, "test -c /dev/usb/lp0", 60, "lp0 not back after replug")
    vm.check(": > /run/bench/printer.bin; printf 'AGAIN' > /dev/usb/lp0")
    wait_guest(vm, "grep -q AGAIN /run/bench/printer.bin", 10, "no bytes after replug")


def stick_unit_done(vm, unit, since, timeout=180, what="the stick updater"):
    """Wait until UNIT (kiosk-update@<dev>.service) started after the guest
    monotonic time SINCE (usec) and finished; returns its Result."""
    def state():
        out = vm.check("systemctl show -p ExecMainStartTimestampMonotonic -p ActiveState -p Result %s"
                       % unit)
        return dict(l.split("=", 1) for l in out.splitlines() if "=" in l)
    def succeeded():
        # A oneshot that succeeded is unloaded at once (its properties are
        # gone): its journal says so.
        out = vm.check("journalctl -b -q --no-pager -o short-monotonic -u %s" % unit)
        for line in out.splitlines():
            m = re.match(r"\[\s*([0-9.]+)\]", line)
            if m and float(m.group(1)) * 1e6 > since and "Deactivated successfully" in line:
                return True
        return False
    end = time.monotonic() + timeout
    while True:
        st = state()
        started = int(st.get("ExecMainStartTimestampMonotonic") or 0) > since
        if started and st.get("ActiveState") in ("inactive", "failed"):
            return st.get("Result")
        if st.get("ActiveState") != "activating" and succeeded():
            return "success"
        if time.monotonic() > end:
            raise Fail("%s (%s) did not run and finish within %ds: %s" % (what, unit, timeout, st))
        time.sleep(1)


def guest_usec(vm):
    return int(float(vm.check("cut -d' ' -f1 /proc/uptime").strip()) * 1e6)


def sc_stick_mount():
    """A FAT stick (mkfs.vfat -C, mcopy) on a mass-storage gadget: the board's
    90-kiosk-update.rules starts kiosk-update@sda.service, which finds no
    bundle and says so; mounted read-only, nosuid, nodev, noexec the files
    read back; pulled in the middle of a read, nothing hangs, and plugged
    back the unit runs again."""
    vm = Bench.get()
    t0 = guest_usec(vm)
    vm.check(GADGET + " stick plug /run/bench/xfer/sticks/plain.img")
    res = stick_unit_done(vm, "kiosk-update@sda.service", t0, 120)
    expect(res != "success", "the updater succeeded on a stick without a bundle")
    st = vm.check("cat /run/kiosk/ans/update.status")
    expect("result=failed" in st and "cannot read the stick" not in st,
           "update.status after a stick without a bundle:\n" + st)
    jr = vm.check("journalctl -b -q --no-pager -o cat -u kiosk-update@sda.service")
    print("  kiosk-update@sda.service: %s; %s" % (res, jr.strip().splitlines()[-1][:120] if jr.strip() else ""))
    expect(vm.sh("grep -q ' /run/kiosk/stick-sda ' /proc/mounts")[0] != 0, "the updater left the stick mounted")
    vm.check("systemctl reset-failed")
    # The stick's content, mounted as the updater mounts it.
    d = "/run/bench/stick"
    vm.check("mkdir -p %s && /bin/mount -o ro,nosuid,nodev,noexec /dev/sda %s" % (d, d))
    opts = vm.check("grep ' %s ' /proc/mounts" % d).split()[3].split(",")
    for o in ("ro", "nosuid", "nodev", "noexec"):
        expect(o in opts, "stick mounted without %s: %s" % (o, opts))
    expect(vm.check("cat %s/hello.txt" % d) == "xin chao, stick\n", "stick content differs")
    # Pulled out in the middle of a read: the reader gets an error or ends,
    # nothing hangs, and the stick works again when plugged back.
    out = vm.check("echo 3 > /proc/sys/vm/drop_caches; rm -f /tmp/read.rc; "
                   "(dd if=%s/big.bin of=/dev/null bs=4k 2>/tmp/read.err; echo $? > /tmp/read.rc) & "
                   "sleep 0.4; %s stick unplug; for i in $(seq 1 100); do "
                   "[ -f /tmp/read.rc ] && break; sleep 0.2; done; cat /tmp/read.rc /tmp/read.err"
                   % (d, GADGET), 90)
    expect(re.match(r"\d+\n", out), "the read did not end after the stick was pulled:\n" + out)
    print("  read during pull: rc %s (%s)" % (out.split()[0],
          "interrupted" if out.split()[0] != "0" else "finished before the pull"))
    vm.check("/bin/umount -l %s" % d)
    t0 = guest_usec(vm)
    vm.check(GADGET + " stick plug /run/bench/xfer/sticks/plain.img")
    stick_unit_done(vm, "kiosk-update@sda.service", t0, 120, "the updater after a replug")
    vm.check("/bin/mount -o ro,nosuid,nodev,noexec /dev/sda %s" % d)
    expect(vm.check("cat %s/hello.txt" % d) == "xin chao, stick\n", "stick content differs after replug")
    vm.check("/bin/umount %s; %s stick unplug; systemctl reset-failed" % (d, GADGET))


def sc_scanner_acm():
    """The scanner: an ACM serial gadget appears as /dev/ttyACM0 (udev link
    /dev/kiosk-scanner); a QR payload typed on the gadget side arrives."""
    vm = Bench.get()
    vm.check(GADGET + " scanner plug")
    wait_guest(vm, "test -c /dev/ttyACM0 && test -c /dev/ttyGS0 && test -L /dev/kiosk-scanner", 60,
               "ACM device or its udev link missing")
    code = "001099012345|BENCH|01011990|Nam|BENCH|01012021"  # synthetic, no real person
    out = vm.check("stty -F /dev/ttyACM0 raw -echo; rm -f /tmp/scan.out; "
                   "(timeout 5 cat /dev/kiosk-scanner > /tmp/scan.out &); sleep 0.5; "
                   "printf '%s\\r' > /dev/ttyGS0; sleep 1.5; cat /tmp/scan.out" % code)
    expect(out == code + "\r", "scanner bytes differ: %r" % out)
    vm.check(GADGET + " scanner unplug")


def sc_reboot_persist():
    """A reboot is QEMU started again on the same disks: what was written to
    the data disk is still there after a clean shutdown, the slots too."""
    run = os.path.join(RESULTS, "reboot")
    data = V.fresh_data_disk(run)
    vm = V.VM(run, data, name="reboot")
    vm.start()
    token = "boot-%d" % int(time.time())
    try:
        vm.check("echo %s > /var/lib/kiosk/ledger/bench-reboot && sync" % token)
    finally:
        vm.stop()
    expect(not vm.alive(), "QEMU did not power off")
    vm = V.VM(run, data, name="reboot2")
    vm.start()
    try:
        expect(vm.check("cat /var/lib/kiosk/ledger/bench-reboot").strip() == token,
               "data written before the reboot is gone")
        expect(vm.check("readlink /var/lib/kiosk/app/current").strip() == "slot-a", "slot link lost")
        dm = vm.check("dmesg | grep -i -E 'EXT4-fs \\(vdb\\).*(error|recovery)' || true")
        expect(dm.strip() == "", "data disk needed recovery after a clean shutdown:\n" + dm)
    finally:
        vm.stop()


# ---- scenarios of the kiosk app (need the merged pieces) --------------------
def need_kiosk():
    need(kiosk_app_ready(), "build/arm64/bin/kiosk does not report FIRST_FRAME/SCREEN yet "
         "(placeholder app; the kiosk app branch is not merged)")


def boot_kiosk(name, data=None, xfer=None, gadgets="printer,scanner"):
    run = os.path.join(RESULTS, name)
    data = data or V.fresh_data_disk(run)
    vm = V.VM(run, data, xfer_files=xfer or {}, session=True, name=name,
              extra_append="kiosk.gadgets=" + gadgets if gadgets else "")
    vm.start()
    return vm


def kiosk_main(vm):
    """MainPID of kiosk.service (0 when not running)."""
    return int(unit_prop(vm, "kiosk.service", "MainPID") or 0)


def check_kiosk_unit(vm, slot="slot-a"):
    """The kiosk runs through the board's kiosk.service: active, as user
    kiosk with its groups, in the unit's cgroup, on tty1, the launcher having
    started bin/kiosk inside the active slot."""
    expect(unit_prop(vm, "kiosk.service", "ActiveState") == "active",
           "kiosk.service is not active: " + vm.check("systemctl status kiosk.service --no-pager -l || true"))
    pid = kiosk_main(vm)
    expect(pid > 0, "kiosk.service has no main process")
    st = vm.check("cat /proc/%d/status" % pid)
    uid = re.search(r"^Uid:\s+(\d+)", st, re.M).group(1)
    user = vm.check("awk -F: '$3 == %s { print $1 }' /etc/passwd" % uid).strip()
    expect(user == "kiosk", "the kiosk runs as uid %s (%s), not kiosk" % (uid, user))
    groups = set(re.search(r"^Groups:(.*)$", st, re.M).group(1).split())
    for g in ("video", "input", "render", "lp", "dialout"):
        gid = vm.check("awk -F: '$1 == \"%s\" { print $3 }' /etc/group" % g).strip()
        expect(gid in groups, "the kiosk is not in group %s (%s)" % (g, sorted(groups)))
    exe = vm.check("readlink /proc/%d/exe" % pid).strip()
    cwd = vm.check("readlink /proc/%d/cwd" % pid).strip()
    expect(exe == "/var/lib/kiosk/app/%s/bin/kiosk" % slot and cwd == "/var/lib/kiosk/app/" + slot,
           "kiosk.service runs %s in %s, wanted %s/bin/kiosk" % (exe, cwd, slot))
    cg = vm.check("cat /proc/%d/cgroup" % pid).strip()
    expect(cg.endswith("/system.slice/kiosk.service"), "the kiosk is not in kiosk.service's cgroup: " + cg)
    tty = vm.check("readlink /proc/%d/fd/0" % pid).strip()
    expect(tty == "/dev/tty1", "the kiosk's input is %s, not /dev/tty1" % tty)
    return pid


def sc_welcome():
    """Boot to the Welcome screen on KMSDRM through the board's kiosk.service
    (user kiosk, tty1, app in slot a), no failed unit:
    FIRST_FRAME and SCREEN welcome on the events console; the screendump
    matches the host's headless render; the kiosk pets the watchdog
    (WatchdogSec=30) and stays up, same process, for more than 40 s."""
    need_kiosk()
    ref_dir = os.path.join(RESULTS, "host-welcome")
    need(os.path.exists(os.path.join(HOST_BIN, "kiosk")), "no native build/bin/kiosk for the reference")
    os.makedirs(ref_dir, exist_ok=True)
    script = os.path.join(ref_dir, "welcome.script")
    with open(script, "w") as f:
        f.write("set-time %s+00:00\nexpect screen welcome\nscreenshot welcome\n" % V.RTC_BASE)
    r = subprocess.run([os.path.join(HOST_BIN, "kiosk"), "--headless", "--size", "1920x1080",
                        "--data", os.path.join(ref_dir, "data"), "--script", script,
                        "--screenshots", ref_dir], capture_output=True, text=True, timeout=120)
    expect(r.returncode == 0, "host headless render failed: %s" % (r.stdout + r.stderr))
    vm = boot_kiosk("welcome")
    try:
        ff = vm.wait_event(r"FIRST_FRAME (\d+)", 180)
        figure("kiosk FIRST_FRAME after start", ff.split()[1], "ms")
        up = vm.check("cut -d' ' -f1 /proc/uptime")
        figure("boot to first frame (guest uptime at check)", up.strip(), "s")
        vm.wait_event(r"SCREEN welcome", 60)
        pid = check_kiosk_unit(vm)
        system_running(vm)
        time.sleep(float(os.environ.get("VM_WELCOME_WAIT", "20")))
        png = os.path.join(RESULTS, "welcome.png")
        scr = vm.screendump(png)
        diff = compare_png(png, os.path.join(ref_dir, "welcome.png"))
        figure("welcome: pixels off by more than 24", "%.3f" % diff, "%")
        expect(diff <= 2.0, "screendump differs from the headless render in %.2f%% of pixels" % diff)
        check_watchdog(vm, pid)
    finally:
        vm.stop()


def check_watchdog(vm, pid, up_s=45):
    """WatchdogSec=30: the same kiosk process is still running UP_S seconds
    after kiosk.service started (a kiosk that does not send WATCHDOG=1 is
    killed at 30 s and restarted), and systemd saw a recent ping."""
    expect(unit_prop(vm, "kiosk.service", "WatchdogUSec") in ("30s", "30000000"),
           "kiosk.service has no 30 s watchdog: %s" % unit_prop(vm, "kiosk.service", "WatchdogUSec"))
    start = int(unit_prop(vm, "kiosk.service", "ExecMainStartTimestampMonotonic") or 0)
    end = time.monotonic() + up_s + 30
    while guest_usec(vm) - start < up_s * 1000000:
        expect(time.monotonic() < end, "guest clock does not advance")
        time.sleep(2)
    now = guest_usec(vm)
    restarts = unit_prop(vm, "kiosk.service", "NRestarts")
    pid2 = kiosk_main(vm)
    ping = int(unit_prop(vm, "kiosk.service", "WatchdogTimestampMonotonic") or 0)
    expect(pid2 == pid and restarts == "0",
           "the kiosk did not stay up under WatchdogSec=30: pid %d -> %d, %s restarts:\n%s" % (
               pid, pid2, restarts,
               vm.check("journalctl -b -q --no-pager -u kiosk.service | grep -i -E "
                        "'watchdog|kiosk.service:' | tail -n 8 || true")))
    expect(ping > start and now - ping < 30000000,
           "no recent watchdog ping (last at %.1f s, now %.1f s)" % (ping / 1e6, now / 1e6))
    figure("kiosk up under WatchdogSec=30, same process", "%.0f" % ((now - start) / 1e6), "s")


def read_png(path):
    """Minimal PNG reader (8-bit RGB/RGBA, non-interlaced) for comparisons."""
    import struct
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, t = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise Fail("unsupported PNG %s" % path)
            bpp = 3 if ctype == 2 else 4
        elif t == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    out = bytearray()
    prev = bytearray(stride)
    i = 0
    for _ in range(h):
        ft = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        for x in range(w):
            out += line[x * bpp:x * bpp + 3]
    return w, h, bytes(out)


def compare_png(a, b):
    """Percentage of pixels whose channels differ by more than 24."""
    wa, ha, pa = read_png(a)
    wb, hb, pb = read_png(b)
    if (wa, ha) != (wb, hb):
        raise Fail("sizes differ: %dx%d vs %dx%d" % (wa, ha, wb, hb))
    bad = 0
    for i in range(0, len(pa), 3):
        if max(abs(pa[i] - pb[i]), abs(pa[i + 1] - pb[i + 1]), abs(pa[i + 2] - pb[i + 2])) > 24:
            bad += 1
    return 100.0 * bad / (wa * ha)


def strip_status_queries(data):
    """Remove the real-time status requests (DLE EOT n) from a capture."""
    return re.sub(rb"\x10\x04[\x01-\x04]", b"", data)


def need_layout_protocol():
    need(binary_has(os.path.join(ARM_BIN, "kiosk"), "TARGET"),
         "the kiosk does not report its layout (TARGET lines) on the events console yet")


def tap_target(vm, screen, target, timeout=60):
    """Tap a target by id, with coordinates from the kiosk's layout report:
    lines 'TARGET <screen> <id> <x> <y> <w> <h>' after 'SCREEN <screen>'."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ev = vm.events()
        at = ev.rfind("SCREEN " + screen)
        m = re.search(r"TARGET %s %s (\d+) (\d+) (\d+) (\d+)" % (re.escape(screen), re.escape(target)),
                      ev[at:] if at >= 0 else "")
        if at >= 0 and m:
            x, y, w, h = map(int, m.groups())
            vm.tap(x + w // 2, y + h // 2)
            return
        time.sleep(0.3)
    raise Fail("target %s on screen %s not reported" % (target, screen))


def read_script(path):
    """The journey in issue 2's script language; the VM walks its `tap` and
    `expect screen` lines, the host runs it whole."""
    steps = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) >= 2 and w[0] == "tap" and not w[1].startswith('"'):
                steps.append(("tap", w[1]))
            elif len(w) >= 3 and w[:2] == ["expect", "screen"]:
                steps.append(("screen", w[2]))
            elif w and w[0] == "tap":
                raise Fail("%s: the VM taps by target id only: %s" % (path, line.strip()))
    return steps


def host_reference(name, script, instant, trusted):
    """Run the journey headless on the host with the file transport at the
    guest's instant; returns (screenshot dir, ESC/POS bytes or None)."""
    ref = os.path.join(RESULTS, name + "-host")
    subprocess.run(["rm", "-rf", ref], check=True)
    os.makedirs(ref)
    with open(script) as f:
        body = [l for l in f if not l.startswith("set-time")]
    s2 = os.path.join(ref, "journey.script")
    with open(s2, "w") as f:
        f.write("set-time %s+00:00%s\n" % (instant, "" if trusted else " untrusted") + "".join(body))
    spool = os.path.join(ref, "spool")
    # The same data folder as the guest's seeded disk: same ledger (ticket id
    # prefix), same local settings, same office.key (the QR record's K2 tag:
    # a different key would change the ticket's bytes).
    data = os.path.join(ref, "data")
    shutil.copytree(os.path.join(V.IMAGE, "data-tree", "ledger"), data)
    r = subprocess.run([os.path.join(HOST_BIN, "kiosk"), "--headless", "--size", "1920x1080",
                        "--data", data, "--spool", spool, "--script", s2,
                        "--screenshots", ref], capture_output=True, text=True, timeout=300)
    expect(r.returncode == 0, "host headless journey failed: %s" % (r.stdout + r.stderr)[-800:])
    esc = sorted(f for f in os.listdir(spool) if f.endswith(".escpos")) if os.path.isdir(spool) else []
    expect(len(esc) == 1, "host journey wrote %d .escpos files" % len(esc))
    with open(os.path.join(spool, esc[0]), "rb") as f:
        return ref, f.read()


def printer_capture(vm, settle=3.0, timeout=120):
    """Wait until the virtual printer has received bytes and stopped; return
    (bytes, host time of the last growth)."""
    end = time.monotonic() + timeout
    size, last = -1, time.monotonic()
    while time.monotonic() < end:
        n = int(vm.check("wc -c < /run/bench/printer.bin 2>/dev/null || echo 0").strip() or 0)
        if n != size:
            size, last = n, time.monotonic()
        elif n > 0 and time.monotonic() - last >= settle:
            break
        time.sleep(0.2)
    expect(size > 0, "the virtual printer received nothing")
    out = vm.check("od -An -v -tx1 /run/bench/printer.bin")
    return bytes(int(x, 16) for x in out.split()), last


def sc_journey():
    """A citizen's journey tapped with the emulated pointer; the ticket goes
    through libusb to the virtual printer; the bytes equal the .escpos the
    same journey writes headless on the host (status queries removed)."""
    need_kiosk()
    need_layout_protocol()
    script = os.path.join(HERE, "journey.script")
    need(os.path.exists(script), "tests/vm/journey.script (the journey, issue 2's script language) "
         "not written yet")
    need(os.path.exists(os.path.join(HOST_BIN, "kiosk")), "no native build/bin/kiosk for the reference")
    steps = read_script(script)
    vm = boot_kiosk("journey")
    try:
        ff = vm.wait_event(r"FIRST_FRAME (\d+)", 180)
        figure("kiosk first frame after start", ff.split()[1], "ms")
        screen, t_tap = "welcome", None
        for kind, arg in steps:
            if kind == "screen":
                vm.wait_event(r"SCREEN %s\b" % re.escape(arg), 60)
                screen = arg
                vm.screendump(os.path.join(RESULTS, "journey-%s.png" % arg))
            else:
                tap_target(vm, screen, arg)
                t_tap = time.monotonic()
        got, t_last = printer_capture(vm)
        if t_tap is not None:
            figure("ticket: last tap to last byte at the printer (host clock, +-0.2 s)",
                   "%.1f" % (t_last - t_tap), "s")
        instant = vm.check("date -u +%Y-%m-%dT%H:%M:%S").strip()
        trusted = re.search(r"CLOCK trusted", vm.events()) is not None
        detached = vm.check("dmesg | grep -c 'usblp0: removed' || true").strip()
    finally:
        vm.stop()
    with open(os.path.join(RESULTS, "journey-vm.escpos"), "wb") as f:
        f.write(got)
    _, want = host_reference("journey", script, instant, trusted)
    a, b = strip_status_queries(got), strip_status_queries(want)
    expect(a == b, "printer bytes (%d) differ from the host .escpos (%d); first difference at %d; "
           "see %s" % (len(a), len(b), next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
                                            min(len(a), len(b))), RESULTS))
    print("  usblp detach events seen: %s" % detached)


def walk_to_print(name, before_last_tap=None):
    """Boot the kiosk and walk journey.script up to and including its last
    tap (the one that prints); `before_last_tap(vm)` runs just before it.
    Returns the running VM (the caller stops it)."""
    need_kiosk()
    need_layout_protocol()
    script = os.path.join(HERE, "journey.script")
    need(os.path.exists(script), "tests/vm/journey.script not written yet")
    steps = read_script(script)
    taps = [i for i, (k, _) in enumerate(steps) if k == "tap"]
    need(taps, "journey.script has no tap")
    vm = boot_kiosk(name)
    try:
        vm.wait_event(r"FIRST_FRAME (\d+)", 180)
        screen = "welcome"
        for i, (kind, arg) in enumerate(steps[:taps[-1] + 1]):
            if kind == "screen":
                vm.wait_event(r"SCREEN %s\b" % re.escape(arg), 60)
                screen = arg
            else:
                if i == taps[-1] and before_last_tap:
                    before_last_tap(vm)
                tap_target(vm, screen, arg)
    except BaseException:
        vm.stop()
        raise
    return vm, steps[taps[-1] + 1:]


def sc_paper_out():
    """The printer answers paper out: the kiosk says so, no number issued
    (nothing but status queries reaches the printer, no ticket screen)."""
    vm, rest = walk_to_print("paper-out", lambda v: v.check("echo paper-out > /run/bench/printer.status"))
    try:
        mark = len(vm.events())
        time.sleep(15)
        got = vm.check("od -An -v -tx1 /run/bench/printer.bin 2>/dev/null || true").split()
        data = strip_status_queries(bytes(int(x, 16) for x in got))
        expect(data == b"", "bytes other than status queries reached a printer without paper: %d" % len(data))
        after = vm.events()[mark:]
        ticket_screens = [sc for k, sc in rest if k == "screen"]
        for sc in ticket_screens[:1]:
            expect("SCREEN %s" % sc not in after, "the kiosk went on to %s without paper" % sc)
        vm.screendump(os.path.join(RESULTS, "paper-out.png"))
    finally:
        vm.stop()


def sc_unplug_replug():
    """The cable pulled mid-ticket: the virtual printer takes the first
    8 KiB of the ticket, stops reading and pulls its own cable ("pull"), so
    the kiosk's transfer is pending when the printer goes, however slow the
    host is. The kiosk says so without a restart and voids the number whose
    bytes reached the printer; after the replug, Retry issues and prints a
    new number (read back from the QR in the printed bytes), never the voided
    one."""
    need(shutil.which("zbarimg"), "zbarimg missing (sh tools/deps.sh vm)")
    decoder = os.path.join(HOST_TTOOLS, "escpos_decode")
    need(os.path.exists(decoder), "no native %s" % decoder)
    mark = [0]

    def arm(v):
        mark[0] = len(v.events())
        v.check("echo 'pull 8192' > /run/bench/printer.status")
    vm, _ = walk_to_print("unplug-replug", arm)
    try:
        pid = vm.check("pidof kiosk").strip()
        wait_guest(vm, "test $(wc -c < /run/bench/printer.bin) -ge 8192", 60,
                   "the ticket did not start printing")
        vm.wait_event(r"SCREEN printer-error", 120, start=mark[0])
        after = vm.events()[mark[0]:]
        m = re.search(r"ticket not issued: (.*) \(printer (\S+), voided ([A-Z]\d+)\)", after)
        expect(m, "the number whose bytes reached the printer was not voided: %s" %
               (re.findall(r"ticket not issued.*", after) or ["no 'ticket not issued' line"])[0])
        voided = m.group(3)
        print("  cable pulled mid-ticket: %s (printer %s), %s voided" % (m.group(1), m.group(2), voided))
        expect(m.group(2) == "no-printer", "the error was not the unplug: printer %s" % m.group(2))
        expect("SCREEN ticket" not in after, "a ticket screen without a printer")
        vm.screendump(os.path.join(RESULTS, "unplug-printer-error.png"))
        vm.check("echo ok > /run/bench/printer.status")
        offset = int(vm.check("wc -c < /run/bench/printer.bin").strip())
        vm.check(GADGET + " printer plug")
        vm.wait_event(r"printer 0416:5011 ready", 120, start=mark[0])
        mark2 = len(vm.events())
        tap_target(vm, "printer-error", "retry")
        vm.wait_event(r"SCREEN ticket", 120, start=mark2)
        m2 = re.search(r"ticket ([A-Z]\d+) issued", vm.events()[mark2:])
        expect(m2, "no ticket issued after the replug")
        expect(m2.group(1) != voided, "the voided number %s was issued again" % voided)
        expect(vm.check("pidof kiosk").strip() == pid, "the kiosk restarted (pid %s)" % pid)
        vm.screendump(os.path.join(RESULTS, "unplug-replug.png"))
        got, _ = printer_capture(vm)
    finally:
        vm.stop()
    # The ticket printed after the replug carries the new number in its QR.
    ticket = os.path.join(RESULTS, "unplug-replug-retry.escpos")
    with open(ticket, "wb") as f:
        f.write(strip_status_queries(got[offset:]))
    pbm = ticket[:-len(".escpos")] + ".pbm"
    r = subprocess.run([decoder, ticket, pbm], capture_output=True, text=True)
    expect(r.returncode == 0, "the retried ticket is not a clean ESC/POS stream: " + r.stderr.strip())
    r = subprocess.run(["zbarimg", "-q", "--raw", pbm], capture_output=True, text=True)
    # Two codes: the record and the procedure's page online.
    expect(any(l.startswith(m2.group(1)) for l in r.stdout.splitlines()),
           "the retried ticket's QR reads %r, not %s" % (r.stdout.strip()[:40], m2.group(1)))
    print("  after the replug: %s issued and printed (QR %s...)" % (m2.group(1), r.stdout.strip()[:12]))


def need_updater():
    for t in ("kiosk-update", "kiosk-launcher"):
        need(os.path.exists(os.path.join(ARM_BIN, t)), "build/arm64/bin/%s not built yet (updater branch)" % t)
    need(os.path.exists(os.path.join(HOST_BIN, "kiosk-bundle")), "build/bin/kiosk-bundle not built yet")


UPDATE = ("/usr/local/bin/kiosk-update --root /var/lib/kiosk --keys /etc/kiosk/keys "
          "--compatible-file /etc/kiosk/compatible")


def make_bundle(run, version, tamper=False, pad_mib=0):
    """Sign an app bundle of the arm64 app with the bench's development key
    (issue 6: kiosk-bundle create --key K --payload DIR --type app ...)."""
    out = os.path.join(run, "kiosk-%s.kiosk" % version)
    tree = os.path.join(run, "app-" + version)
    subprocess.run(["rm", "-rf", tree, out], check=True)
    os.makedirs(os.path.join(tree, "bin"))
    subprocess.run(["cp", os.path.join(ARM_BIN, "kiosk"), os.path.join(tree, "bin", "kiosk")], check=True)
    share = os.path.join(ARM_BIN, "..", "share", "kiosk")
    if os.path.isdir(share):
        os.makedirs(os.path.join(tree, "share"))
        subprocess.run(["cp", "-R", share, os.path.join(tree, "share", "kiosk")], check=True)
        subprocess.run(["rm", "-f", os.path.join(tree, "share", "kiosk", ".stamp")], check=True)
        subprocess.run(["rm", "-f", os.path.join(tree, "share", ".stamp")], check=True)
    with open(os.path.join(tree, "VERSION"), "w") as f:
        f.write(version + "\n")
    if pad_mib:  # a bigger payload, so that an install takes a while
        with open(os.path.join(tree, "share", "bench-pad.bin") if os.path.isdir(os.path.join(tree, "share"))
                  else os.path.join(tree, "bench-pad.bin"), "wb") as f:
            f.write(os.urandom(pad_mib << 20))
    with open(os.path.join(V.IMAGE, "rootfs-tree", "etc", "kiosk", "compatible")) as f:
        compat = f.read().strip()
    r = subprocess.run([os.path.join(HOST_BIN, "kiosk-bundle"), "create", "--key",
                        os.path.join(V.IMAGE, "keys", "bench-dev.key"), "--payload", tree,
                        "--type", "app", "--version", version, "--compatible", compat,
                        "--out", out], capture_output=True, text=True)
    expect(r.returncode == 0, "kiosk-bundle create failed: " + (r.stdout + r.stderr).strip()[:300])
    if tamper:
        size = os.path.getsize(out)
        with open(out, "r+b") as f:  # flip one payload byte near the end
            f.seek(size - 100)
            b = f.read(1)
            f.seek(size - 100)
            f.write(bytes([b[0] ^ 0xFF]))
    return out


def update_status(vm):
    rc, out = vm.sh(UPDATE + " status", 60)
    expect(rc == 0, "kiosk-update status failed: " + out)
    return dict(l.split("=", 1) for l in out.splitlines() if "=" in l)


def sc_update_tampered():
    """A tampered bundle on a stick is refused; the old version keeps
    running."""
    need_kiosk()
    need_updater()
    run = os.path.join(RESULTS, "tampered")
    os.makedirs(run, exist_ok=True)
    bundle = make_bundle(run, "0.2.0", tamper=True)
    stick = make_stick(run, "tampered", {"update.kiosk": bundle}, 65536)
    vm = boot_kiosk("tampered", xfer={"sticks/tampered.img": stick})
    try:
        vm.wait_event(r"SCREEN welcome", 180)
        before = update_status(vm)
        pid = kiosk_main(vm)
        t0 = guest_usec(vm)
        vm.check(GADGET + " stick plug /run/bench/xfer/sticks/tampered.img")
        res = stick_unit_done(vm, "kiosk-update@sda.service", t0, 240,
                              "the updater with the tampered stick")
        expect(res != "success", "kiosk-update@sda.service succeeded with a tampered bundle")
        log = vm.check("cat /run/kiosk/ans/update.log")
        expect(kiosk_main(vm) == pid, "the kiosk was restarted after a refused bundle")
        after = update_status(vm)
        expect(after.get("current") == before.get("current") == "a",
               "current moved after a tampered bundle: %s -> %s" % (before, after))
        expect(after.get("slot_b") != "pending" and after.get("slot_b") != "good",
               "slot b became %s from a tampered bundle" % after.get("slot_b"))
        expect(log.strip() != "", "the updater said nothing about the tampered bundle")
        print("  updater: " + log.strip().splitlines()[-1][:150])
        vm.screendump(os.path.join(RESULTS, "update-tampered.png"))
    finally:
        vm.stop()


def restarted_on_b(vm, pid, timeout):
    """kiosk.service restarted (a new main process, active) after an install,
    and the new version in slot b marked itself good."""
    wait_guest(vm, "test $(systemctl show -p MainPID --value kiosk.service) != %d && "
               "systemctl -q is-active kiosk.service" % pid, timeout,
               "kiosk.service was not restarted onto the new version")
    st = {}
    end = time.monotonic() + 180
    while time.monotonic() < end:
        st = update_status(vm)
        if st.get("slot_b") == "good":
            break
        time.sleep(3)
    expect(st.get("slot_b") == "good", "the new version did not mark itself good: %s" % st)


def sc_update_install():
    """A signed bundle on the stick installs through kiosk-update@sda.service;
    the unit restarts kiosk.service into slot b, which marks itself good;
    after a reboot the new version still runs."""
    need_kiosk()
    need_updater()
    run = os.path.join(RESULTS, "install")
    os.makedirs(run, exist_ok=True)
    bundle = make_bundle(run, "0.2.0")
    stick = make_stick(run, "good", {"update.kiosk": bundle}, 65536)
    data = V.fresh_data_disk(run)
    vm = boot_kiosk("install", data=data, xfer={"sticks/good.img": stick})
    try:
        vm.wait_event(r"SCREEN welcome", 180)
        pid = kiosk_main(vm)
        t0 = guest_usec(vm)
        vm.check(GADGET + " stick plug /run/bench/xfer/sticks/good.img")
        wait_guest(vm, "readlink /var/lib/kiosk/app/current | grep -q slot-b", 300,
                   "the update did not switch app/current to slot-b")
        st = update_status(vm)
        expect(st.get("current") == "b" and st.get("slot_b") in ("pending", "good"),
               "after install: %s" % st)
        # The board's path: 90-kiosk-update.rules -> kiosk-update@sda.service
        # -> kiosk-stick-update, which restarts kiosk.service once idle.
        res = stick_unit_done(vm, "kiosk-update@sda.service", t0, 300, "the stick updater unit")
        expect(res == "success", "kiosk-update@sda.service ended with %s:\n%s" % (
            res, vm.check("journalctl -b -q --no-pager -u kiosk-update@sda.service | tail -n 20")))
        jr = vm.check("journalctl -b -q --no-pager -o cat -u kiosk-update@sda.service")
        expect(re.search(r"installed .* into slot b", jr), "the unit's journal does not show the install:\n" + jr)
        restarted_on_b(vm, pid, 180)
        check_kiosk_unit(vm, slot="slot-b")
        vm.check(GADGET + " stick unplug")
    finally:
        vm.stop()
    vm = boot_kiosk("install-reboot", data=data)
    try:
        vm.wait_event(r"SCREEN welcome", 180)
        st = {}
        end = time.monotonic() + 120
        while time.monotonic() < end:
            st = update_status(vm)
            if st.get("slot_b") == "good":
                break
            time.sleep(2)
        expect(st.get("current") == "b" and st.get("slot_b") == "good" and
               st.get("slot_b_version") == "0.2.0", "after reboot: %s" % st)
        vm.screendump(os.path.join(RESULTS, "update-installed.png"))
    finally:
        vm.stop()


def sc_update_pull():
    """Stick pulled when the updater's progress passes 30%: the old version
    keeps booting."""
    need_kiosk()
    need_updater()
    need(binary_has(os.path.join(ARM_BIN, "kiosk-update"), "PROGRESS"),
         "kiosk-update does not print PROGRESS <percent> lines yet (the bench pulls the stick at 30%)")
    run = os.path.join(RESULTS, "pull")
    os.makedirs(run, exist_ok=True)
    bundle = make_bundle(run, "0.2.0", pad_mib=24)
    stick = make_stick(run, "pull", {"update.kiosk": bundle}, 131072)
    data = V.fresh_data_disk(run)
    vm = boot_kiosk("pull", data=data, xfer={"sticks/pull.img": stick})
    try:
        vm.wait_event(r"SCREEN welcome", 180)
        vm.check(GADGET + " stick plug /run/bench/xfer/sticks/pull.img")
        wait_guest(vm, "awk '/PROGRESS/ { if ($2 + 0 >= 30) ok = 1 } END { exit !ok }' "
                   "/run/kiosk/ans/update.log", 300, "no progress past 30% reported")
        vm.check(GADGET + " stick unplug")
        wait_guest(vm, "! pidof kiosk-update >/dev/null", 120, "the updater hangs after the pull")
        st = update_status(vm)
        expect(st.get("current") == "a", "current moved after the pull: %s" % st)
    finally:
        vm.stop()
    vm = boot_kiosk("pull-reboot", data=data)
    try:
        vm.wait_event(r"SCREEN welcome", 180)
        st = update_status(vm)
        # Slot a holds the factory version (installed by kiosk-update at
        # image build and marked good): still current, still good.
        expect(st.get("current") == "a" and st.get("slot_a") == "good" and
               st.get("slot_b") != "good", "after reboot: %s" % st)
    finally:
        vm.stop()


def sc_scanner_form():
    """An ID-card QR typed by the emulated scanner (ACM gadget) fills the form:
    the kiosk offers the card's values, the citizen accepts, and the required
    name and ID number are filled (the form goes on to review)."""
    need_kiosk()
    need_layout_protocol()
    vm = boot_kiosk("scanner-form")
    try:
        vm.wait_event(r"SCREEN welcome", 180)
        vm.check(GADGET + " scanner plug")
        wait_guest(vm, "test -L /dev/kiosk-scanner", 60, "ACM device or its udev link missing")
        for target, screen in (("start", "welcome"), ("group-ho-tich", "groups"),
                               ("proc-ket-hon", "procedures"), ("next", "documents")):
            vm.wait_event(r"SCREEN %s\b" % screen, 60)
            tap_target(vm, screen, target)
        vm.wait_event(r"SCREEN form", 60)
        vm.wait_event(r"scanner ready", 30)
        # Invented card data (no real person); UTF-8 sent as octal escapes.
        code = "001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu, Xã Mẫu, Hà Nội|10102021"
        esc = "".join("\\%03o" % b for b in code.encode("utf-8"))
        mark = len(vm.events())
        vm.check("printf '%s\\r' > /dev/ttyGS0" % esc)
        tap_target(vm, "form", "scan-accept")
        vm.screendump(os.path.join(RESULTS, "scanner-form-filled.png"))
        # The card filled name and ID: the remaining (optional) phone, then review.
        tap_target(vm, "form", "next")
        vm.wait_event(r"SCREEN review", 60, start=mark)
        vm.screendump(os.path.join(RESULTS, "scanner-form-review.png"))
    finally:
        vm.stop()


def tap_new(vm, screen, target, mark, timeout=60):
    """Tap `target` from a layout report of `screen` that came after the
    events offset `mark` (the view changed since the last tap)."""
    vm.wait_event(r"SCREEN %s\b" % re.escape(screen), timeout, start=mark)
    tap_target(vm, screen, target, timeout)


def open_tech_menu(vm):
    """The four corners (top-left, top-right, bottom-right, bottom-left
    within 5 s), then the technician PIN the image was commissioned with
    (tests/vm/seed-site.kss) on the keypad."""
    mark = len(vm.events())
    for x, y in ((10, 10), (V.SCREEN_W - 10, 10), (V.SCREEN_W - 10, V.SCREEN_H - 10), (10, V.SCREEN_H - 10)):
        vm.tap(x, y)
    vm.wait_event(r"SCREEN pin\b", 60, start=mark)
    for d in "73910264":
        tap_target(vm, "pin", "key-" + d)
    mark = len(vm.events())
    tap_target(vm, "pin", "next")
    vm.wait_event(r"SCREEN tech-menu\b", 60, start=mark)


def sc_tech_menu():
    """The technician menu on the board, where the kiosk is not root: with
    the menu open (the kiosk is busy, so nothing installs by itself) a
    writable stick goes in; the menu's export goes through the root stick
    service (kiosk-stick-serve under kiosk-update@sda): the statistics CSV
    lands on the FAT stick; then the menu lists the stick's bundle from the
    service's scan and installs it through the service with progress; back
    at Welcome the service restarts the kiosk into slot b, which marks itself
    good."""
    need_kiosk()
    need_updater()
    need_layout_protocol()
    run = os.path.join(RESULTS, "tech-menu")
    os.makedirs(run, exist_ok=True)
    bundle = make_bundle(run, "0.2.0")
    stick = make_stick(run, "tech", {"update.kiosk": bundle}, 65536)
    data = V.fresh_data_disk(run)
    vm = boot_kiosk("tech-menu", data=data, xfer={"sticks/tech.img": stick})
    try:
        vm.wait_event(r"SCREEN welcome", 180)
        pid = kiosk_main(vm)
        open_tech_menu(vm)
        vm.check(GADGET + " stick plug /run/bench/xfer/sticks/tech.img rw")
        wait_guest(vm, "grep -q 'update.kiosk .*candidate=1' /run/kiosk/ans/stick.scan", 120,
                   "the stick service did not list the stick's bundle")
        # Export through the service.
        mark = len(vm.events())
        tap_target(vm, "tech-menu", "menu-export")
        tap_new(vm, "tech-menu", "next", mark)
        wait_guest(vm, "grep -q '^result=' /run/kiosk/ans/stick.answer", 120, "the export was not answered")
        ans = vm.check("cat /run/kiosk/ans/stick.answer")
        expect("result=ok" in ans, "the export failed:\n" + ans)
        vm.check("mkdir -p /run/bench/check && /bin/mount -o ro /dev/sda /run/bench/check")
        csv = vm.check("ls /run/bench/check/kiosk-export-*/daily-statistics.csv").strip()
        bom = vm.check("head -c 3 %s | od -An -tx1" % csv).split()
        expect(bom == ["ef", "bb", "bf"], "the exported CSV has no UTF-8 BOM: %s" % bom)
        head = vm.check("sed -n 1p %s" % csv)
        expect("date,series,printed,voided,reprints" in head, "exported CSV header: %r" % head)
        # The kiosk clears its staging folder once it has the answer.
        wait_guest(vm, "test -z \"$(ls -A /run/kiosk/req/export-out)\"", 30,
                   "the staging folder was not cleared")
        time.sleep(2)
        vm.screendump(os.path.join(RESULTS, "tech-menu-export.png"))
        vm.check("/bin/umount /run/bench/check")
        print("  export: %s on the stick (%s)" % (csv.split("/run/bench/check/")[-1],
                                                 ans.split("message=")[-1].strip() + " files"))
        # Install through the service, from the menu.
        mark = len(vm.events())
        tap_target(vm, "tech-menu", "back")
        tap_new(vm, "tech-menu", "menu-update", mark)
        mark = len(vm.events())
        vm.wait_event(r"TARGET tech-menu update-reinstall\b", 60, start=mark)
        time.sleep(2)
        vm.screendump(os.path.join(RESULTS, "tech-menu-update.png"))
        mark = len(vm.events())
        tap_target(vm, "tech-menu", "next")
        vm.wait_event(r"SCREEN updating\b", 120, start=mark)
        at = vm.events().find("SCREEN updating", mark)
        try:
            vm.wait_event(r"SCREEN tech-menu\b", 300, start=at)
        except BaseException:
            print(vm.check("cat /run/kiosk/ans/update.log /run/kiosk/ans/stick.answer /run/kiosk/ans/update.status 2>&1; "
                           "journalctl -b -q --no-pager -o cat -u kiosk-update@sda.service | tail -n 20"))
            raise
        st = update_status(vm)
        expect(st.get("current") == "b" and st.get("slot_b") == "pending" and
               st.get("slot_b_version") == "0.2.0", "after the menu's install: %s" % st)
        expect(kiosk_main(vm) == pid, "the kiosk restarted while the technician was in the menu")
        vm.screendump(os.path.join(RESULTS, "tech-menu-installed.png"))
        # Leaving the menu makes the kiosk idle: the service restarts it on b.
        mark = len(vm.events())
        tap_target(vm, "tech-menu", "back")
        tap_new(vm, "tech-menu", "back", mark)
        restarted_on_b(vm, pid, 240)
        vm.check(GADGET + " stick unplug")
    finally:
        vm.stop()


SCENARIOS = [
    ("boot", sc_boot, True),
    ("screen", sc_screen, True),
    ("printer-usblp", sc_printer_usblp, True),
    ("stick-mount", sc_stick_mount, True),
    ("scanner-acm", sc_scanner_acm, False),
    ("reboot-persist", sc_reboot_persist, False),
    ("welcome", sc_welcome, True),
    ("journey", sc_journey, True),
    ("paper-out", sc_paper_out, False),
    ("unplug-replug", sc_unplug_replug, False),
    ("update-tampered", sc_update_tampered, True),
    ("update-install", sc_update_install, False),
    ("update-pull", sc_update_pull, False),
    ("tech-menu", sc_tech_menu, False),
    ("scanner-form", sc_scanner_form, False),
]


def main():
    args = sys.argv[1:]
    ci = "--ci" in args
    names = [a for a in args if not a.startswith("--")]
    if "--list" in args:
        for n, fn, in_ci in SCENARIOS:
            print("%-16s %s %s" % (n, "ci " if in_ci else "   ", fn.__doc__.split("\n")[0]))
        return 0
    unknown = [n for n in names if n not in [s[0] for s in SCENARIOS]]
    if unknown:
        print("unknown scenario(s): %s (see --list)" % " ".join(unknown))
        return 2
    for f in ("vmlinuz", "initrd.gz", "rootfs.img", "data-seed.img"):
        if not os.path.exists(os.path.join(V.IMAGE, f)):
            print("vm-test: %s/%s missing: run make image ARCH=arm64" % (V.IMAGE, f))
            return 1
    os.makedirs(RESULTS, exist_ok=True)
    chosen = [s for s in SCENARIOS if (not names or s[0] in names) and (not ci or s[2])]
    results = []
    t_all = time.monotonic()
    for name, fn, _ in chosen:
        print("== %s: %s" % (name, fn.__doc__.split("\n")[0]), flush=True)
        t0 = time.monotonic()
        try:
            fn()
            st, why = "PASS", ""
        except Skip as e:
            st, why = "SKIP", str(e)
        except (Fail, V.VMError) as e:
            st, why = "FAIL", str(e)
        except Exception:  # a bug in the bench is a failure too
            st, why = "FAIL", traceback.format_exc()
        dt = time.monotonic() - t0
        print("%s %s (%.0f s)%s" % (st, name, dt, ("\n  " + why.replace("\n", "\n  ")) if why else ""),
              flush=True)
        results.append((name, st, why))
    Bench.stop()
    print("\nvm-test summary (%.0f s):" % (time.monotonic() - t_all))
    for name, st, why in results:
        print("  %-4s %-16s %s" % (st, name, why.split("\n")[0][:110]))
    if FIGURES:
        print("figures:")
        for n, v, u in FIGURES:
            print("  %s: %s %s" % (n, v, u))
    with open(os.path.join(RESULTS, "summary.txt"), "w") as f:
        for name, st, why in results:
            f.write("%s %s %s\n" % (st, name, why.split("\n")[0]))
        for n, v, u in FIGURES:
            f.write("FIGURE %s: %s %s\n" % (n, v, u))
    if any(st == "FAIL" for _, st, _ in results):
        return 1
    if len(results) == 1 and results[0][1] == "SKIP":
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
