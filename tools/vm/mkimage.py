#!/usr/bin/env python3
"""mkimage.py - assemble the VM bench image from unpacked Debian arm64
packages (SYSROOT) and this repository's arm64 build.

Outputs in OUT (build/vm):
  vmlinuz          the Debian arm64 kernel
  initrd.gz        busybox initramfs: loads virtio/ext4, mounts the root disk
  rootfs.img       read-only ext4 root: busybox, systemd-udevd, kmod, kernel
                   modules, firmware tools (launcher, updater), keys,
                   compatible string, shared libraries (with Mesa's dlopen'd
                   EGL/GBM/DRI), init scripts, udev rules, bench helpers
  data-seed.img    writable ext4 data disk: app/slot-a (first version),
                   app/slot-b, app/current -> slot-a, ledger/ (queue, ledger),
                   logs/; data/ is left to the updater's data bundles
  keys/            the bench's development signing key (never in a release)
  image.json       what went in (kernel version, sizes, app version)
Only python3 stdlib, readelf, cpio, gzip, mke2fs and qemu-aarch64 (user
mode, to run arm64 depmod and busybox --list) are used; no root needed.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST = os.path.join(HERE, "guest")
MULTI = "aarch64-linux-gnu"

# Modules the initramfs needs to reach the root disk (dependency order is
# resolved from modules.dep).
INITRD_MODULES = ["virtio_pci", "virtio_blk", "crc32c_generic", "ext4"]
# Modules the root filesystem loads at start: the board's devices.
ROOT_MODULES = [
    "virtio_console", "virtio-gpu", "virtio_input", "evdev",
    "configfs", "dummy_hcd num=3", "libcomposite", "usb_f_printer",
    "usb_f_mass_storage", "usb_f_acm", "usb_f_hid", "usblp", "cdc-acm",
    "usb-storage", "sd_mod", "usbhid", "hid-generic", "vfat", "nls_cp437",
    "nls_utf8", "nls_iso8859-1", "nls_ascii",
]
# Of those, loaded at boot by systemd-modules-load (the rest by udev or on
# demand).
BOOT_MODULES = ["dummy_hcd", "libcomposite"]
# Shared objects loaded with dlopen (SDL KMSDRM, glvnd, Mesa): not in any
# DT_NEEDED list, so copied explicitly with their own closures.
DLOPEN_LIBS = [
    "libEGL.so.1", "libEGL_mesa.so.0", "libGLESv2.so.2", "libgbm.so.1",
    "libglapi.so.0", "libGLdispatch.so.0", "libudev.so.1", "libdrm.so.2",
    "libusb-1.0.so.0", "libOpenGL.so.0",
]
DRI_DRIVERS = ["kms_swrast_dri.so", "swrast_dri.so"]
LIB_DIRS = ["lib/" + MULTI, "usr/lib/" + MULTI, "lib", "usr/lib",
            "lib/systemd", "usr/lib/systemd", "usr/lib/" + MULTI + "/systemd",
            "usr/lib/" + MULTI + "/dri",
            "usr/lib/" + MULTI + "/pulseaudio"]


def log(msg):
    print("mkimage: " + msg, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def norm(name):
    return name.replace("-", "_")


class Modules:
    def __init__(self, sysroot, kver):
        self.base = os.path.join(sysroot, "lib/modules", kver)
        self.dep = {}
        self.path = {}
        with open(os.path.join(self.base, "modules.dep")) as f:
            for line in f:
                path, _, deps = line.partition(":")
                name = norm(os.path.basename(path)[:-3])
                self.path[name] = path
                self.dep[name] = [norm(os.path.basename(d)[:-3]) for d in deps.split()]
        self.builtin = set()
        with open(os.path.join(self.base, "modules.builtin")) as f:
            for line in f:
                self.builtin.add(norm(os.path.basename(line.strip())[:-3]))

    def order(self, wanted):
        """Modules in load order (dependencies first), args kept."""
        out, seen, args = [], set(), {}

        def visit(n):
            if n in seen:
                return
            seen.add(n)
            for d in reversed(self.dep[n]):
                visit(d)
            out.append(n)
        for w in wanted:
            name, _, a = w.partition(" ")
            n = norm(name)
            if n in self.builtin:
                continue
            if n not in self.dep:
                raise SystemExit("mkimage: no module " + name)
            args[n] = a
            visit(n)
        return [(n, self.path[n], args.get(n, "")) for n in out]


def readelf_needed(path):
    r = subprocess.run(["readelf", "-d", path], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", r.stdout)


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


class LibCopier:
    """Copies shared libraries from the sysroot into the image tree, with
    their DT_NEEDED closure, into /usr/lib/<multiarch> (merged /usr)."""

    def __init__(self, sysroot, tree):
        self.sysroot, self.tree = sysroot, tree
        self.done = set()
        self.bytes = 0

    def find(self, soname):
        for d in LIB_DIRS:
            p = os.path.join(self.sysroot, d, soname)
            if os.path.lexists(p):
                return self.resolve(p)
        return None

    def resolve(self, p):
        # Symlinks in packages may be absolute (/lib/...): resolve in sysroot.
        for _ in range(20):
            if not os.path.islink(p):
                return p
            t = os.readlink(p)
            p = os.path.join(self.sysroot, t.lstrip("/")) if t.startswith("/") \
                else os.path.join(os.path.dirname(p), t)
        return None

    def add_lib(self, soname, subdir=None):
        if soname in self.done:
            return
        self.done.add(soname)
        src = self.find(soname)
        if not src:
            raise SystemExit("mkimage: library %s not found in the sysroot" % soname)
        if soname.startswith("ld-linux"):
            dst_dir = os.path.join(self.tree, "usr/lib")
        elif "systemd" in src.split(os.sep)[-2]:
            # Where the RUNPATH of systemd's programs looks.
            rel = os.path.relpath(os.path.dirname(src), self.sysroot)
            dst_dir = os.path.join(self.tree, usrmerge(rel))
        else:
            dst_dir = os.path.join(self.tree, "usr/lib", MULTI, subdir or "")
        os.makedirs(dst_dir, exist_ok=True)
        dst = os.path.join(dst_dir, soname)
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o755)
        self.bytes += os.path.getsize(dst)
        self.closure(dst)

    def closure(self, path):
        for n in readelf_needed(path) or []:
            self.add_lib(n)


def busybox_applets(busybox):
    r = run(["qemu-aarch64", busybox, "--list-full"], capture_output=True, text=True)
    return [a for a in r.stdout.split() if a]


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def copy(src, dst, mode=None):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, mode if mode is not None else (os.stat(src).st_mode & 0o777))


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def mke2fs(tree, img, label, size_mb):
    if os.path.exists(img):
        os.unlink(img)
    run(["mke2fs", "-q", "-t", "ext4", "-L", label, "-E", "root_owner=0:0",
         "-d", tree, img, "%dM" % size_mb])


def build_initrd(a, mods, kver):
    tree = os.path.join(a.out, "initramfs")
    shutil.rmtree(tree, ignore_errors=True)
    for d in ("bin", "dev", "proc", "sys", "newroot", "modules"):
        os.makedirs(os.path.join(tree, d))
    copy(os.path.join(a.sysroot, "bin/busybox"), os.path.join(tree, "bin/busybox"), 0o755)
    for ap in ("sh", "mount", "umount", "insmod", "switch_root", "mkdir", "sleep",
               "cat", "cut", "echo", "poweroff"):
        os.symlink("busybox", os.path.join(tree, "bin", ap))
    lines = []
    for name, path, args in mods.order(INITRD_MODULES):
        copy(os.path.join(mods.base, path), os.path.join(tree, "modules", name + ".ko"), 0o644)
        lines.append((name + ".ko " + args).strip())
    write(os.path.join(tree, "modules.load"), "\n".join(lines) + "\n")
    copy(os.path.join(GUEST, "initramfs-init"), os.path.join(tree, "init"), 0o755)
    out = os.path.join(a.out, "initrd.gz")
    files = subprocess.run("cd '%s' && find . | LC_ALL=C sort" % tree, shell=True,
                           check=True, capture_output=True).stdout
    cpio = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet", "-R", "0:0"], cwd=tree,
                          input=files, check=True, capture_output=True).stdout
    with open(out, "wb") as f:
        f.write(subprocess.run(["gzip", "-9n"], input=cpio, check=True,
                               capture_output=True).stdout)
    return os.path.getsize(out)


# The init system comes as whole Debian packages (unit files, D-Bus
# configuration, helpers), copied from the sysroot by their file lists with
# /bin, /sbin and /lib merged into /usr; everything else is the ELF closure
# of what the image runs.
WHOLE_PACKAGES = ["systemd", "systemd-sysv", "udev", "dbus", "dbus-bin", "dbus-daemon",
                  "dbus-system-bus-common", "mount", "kmod", "util-linux"]
SKIP_PREFIXES = ("usr/share/doc/", "usr/share/man/", "usr/share/locale/", "usr/share/info/",
                 "usr/share/lintian/", "usr/share/bug/", "usr/share/bash-completion/",
                 "usr/share/zsh/", "etc/init.d/", "etc/rc")
BOARD = os.path.join(HERE, "..", "..", "board")
BENCH_MASKED = ["serial-getty@ttyAMA0.service", "dev-hugepages.mount", "dev-mqueue.mount",
                "sys-kernel-debug.mount", "sys-kernel-tracing.mount",
                "sys-fs-fuse-connections.mount", "proc-sys-fs-binfmt_misc.automount",
                "proc-sys-fs-binfmt_misc.mount", "systemd-binfmt.service",
                "modprobe@dm_mod.service", "modprobe@fuse.service", "modprobe@loop.service",
                "modprobe@efi_pstore.service", "systemd-pstore.service",
                "systemd-random-seed.service", "systemd-update-utmp.service",
                "systemd-update-utmp-runlevel.service", "systemd-journal-flush.service",
                "systemd-journal-catalog-update.service", "systemd-hwdb-update.service",
                "ldconfig.service", "systemd-firstboot.service", "systemd-machine-id-commit.service",
                "e2scrub_reap.service", "getty-static.service", "systemd-remount-fs.service"]
BENCH_UNITS = os.path.join(GUEST, "systemd")
# Users and groups: systemd's and dbus's sysusers.d (basic.conf: root, tty,
# video, audio, lp, dialout..., messagebus), the groups Debian's udev
# postinst adds (input, kvm, render, sgx), and the kiosk user as
# board/install.sh makes it (useradd --system, home /var/lib/kiosk-home, no
# login shell).
SYSUSERS_EXTRA = ("g input - -\ng kvm - -\ng render - -\ng sgx - -\n"
                  "u kiosk - \"Kiosk\" /var/lib/kiosk-home /usr/sbin/nologin\n")
# Writable parts of /var on the read-only root (tmpfs, lost at power-off);
# the data disk holds what must survive.
FSTAB = """# fstab - the bench board: the root (/dev/vda) is mounted read-only by the
# initramfs and stays so; writable data disk; tmpfs for what systemd and its
# services write under /var and /tmp.
/dev/vdb	/var/lib/kiosk	ext4	rw,nosuid,nodev,noatime	0 0
tmpfs	/tmp	tmpfs	mode=1777,nosuid,nodev,size=64m	0 0
tmpfs	/var/tmp	tmpfs	mode=1777,nosuid,nodev,size=16m	0 0
tmpfs	/var/log	tmpfs	mode=0755,nosuid,nodev,noexec,size=16m	0 0
tmpfs	/var/lib/systemd	tmpfs	mode=0755,nosuid,nodev,noexec,size=4m	0 0
tmpfs	/var/cache	tmpfs	mode=0755,nosuid,nodev,noexec,size=16m	0 0
"""


def qemu_user(a, *cmd, **kw):
    return run(["qemu-aarch64", "-L", a.sysroot] + list(cmd), **kw)


def pkg_files(debdir, name):
    """(path, kind, link target) of a package's files, from its .deb."""
    import glob
    import tarfile
    debs = glob.glob(os.path.join(debdir, name + "_*.deb"))
    if len(debs) != 1:
        raise SystemExit("mkimage: package %s: %d .deb files in %s" % (name, len(debs), debdir))
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", debs[0]], check=True,
                         capture_output=True).stdout
    import io
    out = []
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        for m in t.getmembers():
            path = m.name[2:] if m.name.startswith("./") else m.name
            if not path:
                continue
            kind = "dir" if m.isdir() else "link" if m.issym() else "hard" if m.islnk() else "file"
            target = m.linkname
            if kind == "hard":
                target = target[2:] if target.startswith("./") else target
            out.append((path, kind, target, m.mode))
    return out


def usrmerge(path):
    for d in ("bin/", "sbin/", "lib/"):
        if path.startswith(d) or path + "/" == d:
            return "usr/" + path
    return path


def copy_package(a, tree, name):
    n = 0
    for path, kind, target, mode in pkg_files(a.debs, name):
        if path.startswith(SKIP_PREFIXES):
            continue
        dst = os.path.join(tree, usrmerge(path))
        if kind == "dir":
            if not os.path.islink(dst):
                os.makedirs(dst, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.lexists(dst):
            os.unlink(dst)
        if kind == "link":
            os.symlink(target, dst)
        else:
            src = os.path.join(a.sysroot, target if kind == "hard" else path)
            shutil.copyfile(src, dst)
            os.chmod(dst, mode & 0o7777)
        n += 1
    return n


def link(tree, path, target):
    dst = os.path.join(tree, path)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.lexists(dst):
        os.unlink(dst)
    os.symlink(target, dst)


def install_board(a, tree):
    """What board/install.sh and board/lockdown.sh do on a board, done on the
    image tree (same files, same places)."""
    b = BOARD
    copy(os.path.join(b, "kiosk-stick-update.sh"),
         os.path.join(tree, "usr/local/lib/kiosk/kiosk-stick-update"), 0o755)
    copy(os.path.join(b, "kiosk-stick-serve.sh"),
         os.path.join(tree, "usr/local/lib/kiosk/kiosk-stick-serve"), 0o755)
    copy(os.path.join(b, "kiosk-fleet-install.sh"),
         os.path.join(tree, "usr/local/lib/kiosk/kiosk-fleet-install"), 0o755)
    os.makedirs(os.path.join(tree, "etc/kiosk/keys"), exist_ok=True)
    for u in ("kiosk.service", "kiosk-update@.service", "kiosk-health.path", "kiosk-health.service",
              "kiosk-hub.service", "kiosk-fleet-agent.service", "kiosk-fleet-install.path",
              "kiosk-fleet-install.service"):
        copy(os.path.join(b, "systemd", u), os.path.join(tree, "etc/systemd/system", u), 0o644)
    for r in ("90-kiosk-update.rules", "60-kiosk-printer.rules"):
        copy(os.path.join(b, "udev", r), os.path.join(tree, "etc/udev/rules.d", r), 0o644)
    copy(os.path.join(b, "polkit/50-kiosk-time.rules"),
         os.path.join(tree, "etc/polkit-1/rules.d/50-kiosk-time.rules"), 0o644)
    copy(os.path.join(b, "tmpfiles/kiosk.conf"), os.path.join(tree, "etc/tmpfiles.d/kiosk.conf"), 0o644)
    # systemctl enable kiosk.service
    link(tree, "etc/systemd/system/multi-user.target.wants/kiosk.service",
         "/etc/systemd/system/kiosk.service")
    link(tree, "etc/systemd/system/multi-user.target.wants/kiosk-health.path",
         "/etc/systemd/system/kiosk-health.path")
    link(tree, "etc/systemd/system/multi-user.target.wants/kiosk-hub.service",
         "/etc/systemd/system/kiosk-hub.service")
    link(tree, "etc/systemd/system/multi-user.target.wants/kiosk-fleet-agent.service",
         "/etc/systemd/system/kiosk-fleet-agent.service")
    link(tree, "etc/systemd/system/multi-user.target.wants/kiosk-fleet-install.path",
         "/etc/systemd/system/kiosk-fleet-install.path")
    # lockdown.sh
    for u in ("ctrl-alt-del.target", "getty@tty1.service", "autovt@tty1.service", "swap.target"):
        link(tree, "etc/systemd/system/" + u, "/dev/null")
    copy(os.path.join(b, "sysctl/90-kiosk-lockdown.conf"),
         os.path.join(tree, "etc/sysctl.d/90-kiosk-lockdown.conf"), 0o644)
    copy(os.path.join(b, "logind/90-kiosk.conf"),
         os.path.join(tree, "etc/systemd/logind.conf.d/90-kiosk.conf"), 0o644)


def install_bench(a, tree, kver, mods):
    """Bench-only units and configuration (never on a board): the command
    channel, the events relay, the USB gadgets, the virtual printer's agent,
    the draw test, and the VM's own settings (modules, journald, masks)."""
    for root, _, files in os.walk(BENCH_UNITS):
        for f in files:
            src = os.path.join(root, f)
            rel = os.path.relpath(src, BENCH_UNITS)
            copy(src, os.path.join(tree, "etc/systemd/system", rel), 0o644)
            if f.endswith(".service") and not rel.startswith("kiosk"):
                with open(src) as fh:
                    wanted = re.search(r"^WantedBy=(\S+)", fh.read(), re.M)
                if wanted:
                    link(tree, "etc/systemd/system/%s.wants/%s" % (wanted.group(1), f),
                         "/etc/systemd/system/" + f)
    # Serial console: a log (vm.py writes it to a file), no login on it.
    # Units that cost seconds under emulation and serve nothing on the kiosk:
    # kernel debug/trace file systems, huge pages, POSIX queues, binfmt,
    # modules the image does not have, a random seed and utmp that a tmpfs
    # would forget at power-off anyway.
    for u in BENCH_MASKED:
        link(tree, "etc/systemd/system/" + u, "/dev/null")
    copy(os.path.join(GUEST, "90-kiosk-bench.rules"), os.path.join(tree, "etc/udev/rules.d/90-kiosk-bench.rules"))
    write(os.path.join(tree, "etc/tmpfiles.d/kiosk-bench.conf"),
          "# The bench's run folder (command channel, virtual printer capture).\n"
          "d /run/bench 0755 root root -\n")
    write(os.path.join(tree, "etc/systemd/journald.conf.d/bench.conf"),
          "# Read-only root: the journal lives in /run only.\n[Journal]\nStorage=volatile\n"
          "RuntimeMaxUse=16M\n")


def build_rootfs(a, mods, kver):
    tree = os.path.join(a.out, "rootfs-tree")
    shutil.rmtree(tree, ignore_errors=True)
    for d in ("usr/bin", "usr/sbin", "usr/lib/" + MULTI, "usr/local/bin", "usr/local/lib/kiosk",
              "usr/lib/kiosk-bench", "etc/kiosk/keys", "etc/udev/rules.d",
              "dev", "proc", "sys", "run", "tmp", "root", "mnt", "var/lib/kiosk",
              "var/log", "var/tmp", "var/cache", "var/lib/systemd", "var/lib/kiosk-home"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    for l, t in (("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"),
                 ("var/run", "/run"), ("var/lock", "/run/lock")):
        os.symlink(t, os.path.join(tree, l))
    libs = LibCopier(a.sysroot, tree)

    # systemd, udev, dbus, mount, kmod: whole packages.
    for p in WHOLE_PACKAGES:
        copy_package(a, tree, p)

    # busybox for the shell and the small tools the packages above do not
    # bring (init, poweroff, mount... are systemd's and util-linux's).
    bb = os.path.join(tree, "usr/bin/busybox")
    copy(os.path.join(a.sysroot, "bin/busybox"), bb, 0o755)
    for ap in busybox_applets(bb):
        name = os.path.basename(ap)
        if name in ("busybox", "init", "linuxrc", "poweroff", "reboot", "halt"):
            continue
        if any(os.path.lexists(os.path.join(tree, d, name)) for d in ("usr/bin", "usr/sbin")):
            continue
        os.symlink("busybox", os.path.join(tree, "usr/bin", name))

    # Kernel modules: the closure of what the board needs, then depmod (the
    # arm64 kmod, run with qemu-user) so that udev can load by alias too.
    mdir = os.path.join(tree, "usr/lib/modules", kver)
    lines = []
    for name, path, args in mods.order(INITRD_MODULES) + mods.order(ROOT_MODULES):
        copy(os.path.join(mods.base, path), os.path.join(mdir, path), 0o644)
        if name not in [norm(m) for m in INITRD_MODULES] or args:
            lines.append((name, args))
    for f in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
        copy(os.path.join(mods.base, f), os.path.join(mdir, f), 0o644)
    run(["qemu-aarch64", "-L", a.sysroot, "-0", "depmod", os.path.join(a.sysroot, "bin/kmod"),
         "-b", os.path.abspath(tree), kver])
    opts = []
    for n, args in lines:
        if args:
            opts.append("options %s %s\n" % (n, args))
    # Bench: udev loads the drivers of the devices it sees (virtio, usblp,
    # usb-storage, cdc-acm...), the gadget functions and file systems load
    # on demand; only the software USB controllers and the gadget framework
    # have no device to ask for them.
    write(os.path.join(tree, "etc/modules-load.d/kiosk-bench.conf"),
          "# The bench's software USB controllers and gadget framework.\n" +
          "".join(n + "\n" for n in BOOT_MODULES))
    write(os.path.join(tree, "etc/modprobe.d/kiosk-bench.conf"), "".join(opts))

    # Firmware tools from the arm64 build, where `make install` puts them
    # (PREFIX=/usr/local; the app itself goes to the slots).
    tools = []
    if os.path.isdir(a.bin):
        for n in sorted(os.listdir(a.bin)):
            p = os.path.join(a.bin, n)
            if n != "kiosk" and os.path.isfile(p) and os.access(p, os.X_OK):
                copy(p, os.path.join(tree, "usr/local/bin", n), 0o755)
                tools.append(n)
    # Bench-only helpers (a release image leaves out /usr/lib/kiosk-bench).
    bench = []
    for n in ("vm-printer-agent", "vm-drawtest", "vm-usbprobe"):
        p = os.path.join(a.ttools, n)
        if not os.path.exists(p):
            raise SystemExit("mkimage: %s missing: run make ARCH=arm64 units" % p)
        copy(p, os.path.join(tree, "usr/lib/kiosk-bench", n), 0o755)
        bench.append(n)
    for n in ("cmdloop", "gadget", "printer-agent-loop", "events-relay", "boot-gadgets"):
        copy(os.path.join(GUEST, n), os.path.join(tree, "usr/lib/kiosk-bench", n), 0o755)

    install_board(a, tree)
    install_bench(a, tree, kver, mods)

    write(os.path.join(tree, "etc/kiosk/compatible"), a.compatible + "\n")
    write(os.path.join(tree, "etc/hostname"), "kiosk-vm\n")
    write(os.path.join(tree, "etc/fstab"), FSTAB)
    # Read-only root: systemd mounts a transient machine id over the empty file.
    write(os.path.join(tree, "etc/machine-id"), "", 0o444)
    write(os.path.join(tree, "etc/profile"),
          "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\nPS1='kiosk-vm# '\n")
    write(os.path.join(tree, "etc/nsswitch.conf"),
          "passwd: files systemd\ngroup: files systemd\nshadow: files\nhosts: files\n")
    extra = os.path.abspath(os.path.join(a.out, "sysusers-extra.conf"))
    write(extra, SYSUSERS_EXTRA)
    for args in ([], [extra]):
        qemu_user(a, os.path.join(a.sysroot, "bin/systemd-sysusers"),
                  "--root=" + os.path.abspath(tree), *args, stdout=subprocess.DEVNULL,
                  stderr=subprocess.DEVNULL)

    # Keys: the bench's development Ed25519 key (public half on the rootfs).
    kdir = os.path.join(a.out, "keys")
    os.makedirs(kdir, exist_ok=True)
    key = os.path.join(kdir, "bench-dev.key")
    if not os.path.exists(key):
        run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key])
    pub_pem = os.path.join(kdir, "bench-dev.pub.pem")
    run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub_pem])
    der = run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
              capture_output=True).stdout
    raw = der[-32:]
    with open(os.path.join(kdir, "bench-dev.pub"), "wb") as f:
        f.write(raw)
    copy(os.path.join(kdir, "bench-dev.pub"), os.path.join(tree, "etc/kiosk/keys/bench-dev.pub"), 0o644)
    copy(pub_pem, os.path.join(tree, "etc/kiosk/keys/bench-dev.pub.pem"), 0o644)

    # Shared libraries: closure of every dynamic ELF in the tree, of the app
    # and of the dlopen'd graphics stack.
    ld = "ld-linux-aarch64.so.1"
    libs.add_lib(ld)
    for root, _, files in os.walk(tree):
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p) and is_elf(p) and "/modules/" not in p:
                libs.closure(p)
    app = os.path.join(a.bin, "kiosk")
    if os.path.exists(app):
        libs.closure(app)
    for l in DLOPEN_LIBS:
        libs.add_lib(l)
    for d in DRI_DRIVERS:
        libs.add_lib(d, subdir="dri")
    copy(os.path.join(a.sysroot, "usr/share/glvnd/egl_vendor.d/50_mesa.json"),
         os.path.join(tree, "usr/share/glvnd/egl_vendor.d/50_mesa.json"))
    # ld.so also looks in /lib/<multiarch>: /lib is /usr/lib here.
    # Nothing to update at first boot (ldconfig, hwdb, journal catalog,
    # sysusers: ConditionNeedsUpdate= compares /usr with these stamps); the
    # read-only root could not take the result anyway.
    stamp = "TIMESTAMP_NSEC=%d\n" % os.stat(os.path.join(tree, "usr")).st_mtime_ns
    for d in ("etc", "var"):
        write(os.path.join(tree, d, ".updated"), stamp)
    size = du(tree)
    img = os.path.join(a.out, "rootfs.img")
    mke2fs(tree, img, "kiosk-root", int(size * 1.15 / 1048576) + 48)
    return size, libs.bytes, tools, bench


def factory_install(a, tree, payload, version):
    """Lay the first version into the data disk the way a factory does on a
    real board (docs/updates.md, Installation): a signed app bundle installed
    with kiosk-update (host build, same code as the board's), then marked
    good, so the state records are the updater's own from the start."""
    host = os.path.join(HERE, "..", "..", "build", "bin")
    for t in ("kiosk-bundle", "kiosk-update"):
        if not os.path.exists(os.path.join(host, t)):
            raise SystemExit("mkimage: build/bin/%s missing (make ARCH=native all)" % t)
    def tool(cmd):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("mkimage: %s failed: %s" % (" ".join(cmd[:3]), (r.stdout + r.stderr).strip()))
        return r.stdout
    rootfs = os.path.join(a.out, "rootfs-tree")
    bundle = os.path.join(a.out, "factory-%s.kiosk" % version)
    tool([os.path.join(host, "kiosk-bundle"), "create", "--key", os.path.join(a.out, "keys", "bench-dev.key"),
         "--payload", payload, "--type", "app", "--version", version, "--compatible", a.compatible,
         "--out", bundle])
    update = [os.path.join(host, "kiosk-update"), "--root", tree]
    tool(update + ["--keys", os.path.join(rootfs, "etc/kiosk/keys"), "--compatible-file",
                   os.path.join(rootfs, "etc/kiosk/compatible"), "install", bundle])
    tool(update + ["mark-good"])
    st = tool(update + ["status"])
    if "current=a" not in st.split() or "slot_a=good" not in st.split():
        raise SystemExit("mkimage: factory install did not leave slot a good:\n" + st)


def build_data(a):
    tree = os.path.join(a.out, "data-tree")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, "ledger"))
    os.makedirs(os.path.join(tree, "logs"))
    app = os.path.join(a.bin, "kiosk")
    have_app = os.path.exists(app)
    version = a.app_version
    if have_app:
        payload = os.path.join(a.out, "factory-payload")
        shutil.rmtree(payload, ignore_errors=True)
        os.makedirs(os.path.join(payload, "bin"))
        copy(app, os.path.join(payload, "bin/kiosk"), 0o755)
        share = os.path.join(a.bin, "..", "share", "kiosk")
        if os.path.isdir(share):
            shutil.copytree(share, os.path.join(payload, "share/kiosk"),
                            ignore=shutil.ignore_patterns(".stamp"))
        write(os.path.join(payload, "VERSION"), version + "\n")
        factory_install(a, tree, payload, version)
    else:
        os.makedirs(os.path.join(tree, "app"))
    # A commissioned board has been through first boot: complete it with the
    # host's kiosk (same code, same assets) so the VM starts at Welcome.
    host = os.path.join(HERE, "..", "..", "build", "bin", "kiosk")
    seed = os.path.join(HERE, "..", "..", "tests", "vm", "seed-site.kss")
    if have_app and os.path.exists(host):
        r = subprocess.run([host, "--headless", "--first-boot", "--data", os.path.join(tree, "ledger"),
                            "--script", seed], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise SystemExit("mkimage: seeding the site set-up failed: " + r.stderr[-500:])
        for f in ("logs",):
            shutil.rmtree(os.path.join(tree, "ledger", f), ignore_errors=True)
        # The board's ID-card scanner (the bench's ACM gadget, udev link).
        local = os.path.join(tree, "ledger", "local.json")
        cfg = json.load(open(local)) if os.path.exists(local) else {}
        cfg.setdefault("scanner", {})["device"] = "/dev/kiosk-scanner"
        with open(local, "w") as f:
            json.dump(cfg, f, ensure_ascii=False, indent=1)
    img = os.path.join(a.out, "data-seed.img")
    mke2fs(tree, img, "kiosk-data", a.data_mb)
    return have_app, version


def owners_as_on_board(a):
    """Ownership on the data disk as on a board (board/tmpfiles/kiosk.conf):
    /var/lib/kiosk, app/, data/, the slots, state records and update.lock
    are root's alone (folders 0755, records 0644, lock 0600: only root's
    updater, launcher --prepare and health service change them; the kiosk
    user reads); the ledger is the kiosk user's own (the app made it at
    first boot). mke2fs -d copies the build user's ownership: set it with
    debugfs (no root needed)."""
    uid = gid = None
    with open(os.path.join(a.out, "rootfs-tree", "etc", "passwd")) as f:
        for line in f:
            w = line.split(":")
            if w[0] == "kiosk":
                uid, gid = int(w[2]), int(w[3])
    if uid is None:
        raise SystemExit("mkimage: no kiosk user in the image")
    tree = os.path.join(a.out, "data-tree")
    cmds = ["sif / uid 0", "sif / gid 0", "sif / mode 040755"]
    for root, dirs, files in os.walk(tree):
        for n in dirs + files:
            full = os.path.join(root, n)
            p = "/" + os.path.relpath(full, tree)
            if p == "/ledger" or p.startswith("/ledger/"):
                cmds.append("sif %s uid %d" % (p, uid))
                cmds.append("sif %s gid %d" % (p, gid))
                continue
            cmds.append("sif %s uid 0" % p)
            cmds.append("sif %s gid 0" % p)
            if os.path.isdir(full) and not os.path.islink(full):
                st = os.stat(full)
                # no setgid, no group or other write anywhere outside the ledger
                cmds.append("sif %s mode 0%o" % (p, 0o40000 | (st.st_mode & 0o755)))
            elif os.path.isfile(full) and not os.path.islink(full):
                st = os.stat(full)
                cmds.append("sif %s mode 0%o" % (p, 0o100000 | (st.st_mode & 0o755)))
    cmds.append("sif /ledger mode 040750")
    script = os.path.join(a.out, "data-owners.debugfs")
    write(script, "\n".join(cmds) + "\n")
    run(["debugfs", "-w", "-f", script, os.path.join(a.out, "data-seed.img")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sysroot", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--ttools", required=True)
    p.add_argument("--debs", help="the .deb files (default SYSROOT/../debs)")
    p.add_argument("--compatible", default="vn-commune-kiosk-qemu-virt-arm64")
    p.add_argument("--app-version", default="0.1.0")
    p.add_argument("--data-mb", type=int, default=512)
    a = p.parse_args()
    a.debs = a.debs or os.path.join(os.path.dirname(os.path.abspath(a.sysroot)), "debs")
    kvers = sorted(os.listdir(os.path.join(a.sysroot, "lib/modules")))
    if len(kvers) != 1:
        raise SystemExit("mkimage: expected one kernel in the sysroot, found %s" % kvers)
    kver = kvers[0]
    mods = Modules(a.sysroot, kver)
    copy(os.path.join(a.sysroot, "boot", "vmlinuz-" + kver), os.path.join(a.out, "vmlinuz"), 0o644)
    initrd = build_initrd(a, mods, kver)
    log("initrd.gz %d KiB" % (initrd // 1024))
    rsize, lbytes, tools, bench = build_rootfs(a, mods, kver)
    log("rootfs %d MiB (libraries %d MiB), tools: %s" % (rsize >> 20, lbytes >> 20,
                                                        " ".join(tools) or "none yet"))
    have_app, version = build_data(a)
    owners_as_on_board(a)
    log("data disk: slot-a %s (version %s)" % ("kiosk app" if have_app else "EMPTY", version))
    info = {"kernel": kver, "initrd_bytes": initrd, "rootfs_bytes": rsize,
            "library_bytes": lbytes, "tools": tools, "bench_tools": bench,
            "app_in_slot_a": have_app, "app_version": version,
            "compatible": a.compatible}
    with open(os.path.join(a.out, "image.json"), "w") as f:
        json.dump(info, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
