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
# Shared objects loaded with dlopen (SDL KMSDRM, glvnd, Mesa): not in any
# DT_NEEDED list, so copied explicitly with their own closures.
DLOPEN_LIBS = [
    "libEGL.so.1", "libEGL_mesa.so.0", "libGLESv2.so.2", "libgbm.so.1",
    "libglapi.so.0", "libGLdispatch.so.0", "libudev.so.1", "libdrm.so.2",
    "libusb-1.0.so.0", "libOpenGL.so.0",
]
DRI_DRIVERS = ["kms_swrast_dri.so", "swrast_dri.so"]
LIB_DIRS = ["lib/" + MULTI, "usr/lib/" + MULTI, "lib", "usr/lib",
            "lib/systemd", "usr/lib/systemd", "usr/lib/" + MULTI + "/dri",
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
            dst_dir = os.path.join(self.tree, "usr/lib/systemd")
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


def build_rootfs(a, mods, kver):
    tree = os.path.join(a.out, "rootfs-tree")
    shutil.rmtree(tree, ignore_errors=True)
    for d in ("usr/bin", "usr/sbin", "usr/lib/" + MULTI, "usr/libexec/kiosk",
              "usr/lib/kiosk-bench", "etc/init.d", "etc/kiosk/keys", "etc/udev/rules.d",
              "dev", "proc", "sys", "run", "tmp", "root", "mnt", "var/lib/kiosk",
              "var/log"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    for l, t in (("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"),
                 ("var/run", "/run")):
        os.symlink(t, os.path.join(tree, l))
    libs = LibCopier(a.sysroot, tree)

    # busybox with its applets (kmod and udevadm below take precedence).
    bb = os.path.join(tree, "usr/bin/busybox")
    copy(os.path.join(a.sysroot, "bin/busybox"), bb, 0o755)
    for ap in busybox_applets(bb):
        name = os.path.basename(ap)
        dst = os.path.join(tree, "usr/bin", name)
        if name != "busybox" and not os.path.lexists(dst):
            os.symlink("busybox", dst)
    os.symlink("../bin/busybox", os.path.join(tree, "usr/sbin/init"))

    # kmod (modprobe, depmod, lsmod) and udev (systemd-udevd, udevadm).
    copy(os.path.join(a.sysroot, "bin/kmod"), os.path.join(tree, "usr/bin/kmod"), 0o755)
    for t in ("modprobe", "insmod", "rmmod", "lsmod", "depmod", "modinfo"):
        for d in ("usr/bin", "usr/sbin"):
            p = os.path.join(tree, d, t)
            if os.path.lexists(p):
                os.unlink(p)
        os.symlink("../bin/kmod", os.path.join(tree, "usr/sbin", t))
    copy(os.path.join(a.sysroot, "bin/udevadm"), os.path.join(tree, "usr/bin/udevadm"), 0o755)
    os.makedirs(os.path.join(tree, "usr/lib/systemd"), exist_ok=True)
    os.symlink("../../bin/udevadm", os.path.join(tree, "usr/lib/systemd/systemd-udevd"))
    shutil.copytree(os.path.join(a.sysroot, "lib/udev"), os.path.join(tree, "usr/lib/udev"),
                    symlinks=True, dirs_exist_ok=True)
    for f in ("udev/udev.conf",):
        src = os.path.join(a.sysroot, "etc", f)
        if os.path.exists(src):
            copy(src, os.path.join(tree, "etc", f))

    # Kernel modules: the closure of what the board needs, then depmod (the
    # arm64 kmod, run with qemu-user) so that udev can load by alias too.
    mdir = os.path.join(tree, "usr/lib/modules", kver)
    lines = []
    for name, path, args in mods.order(INITRD_MODULES) + mods.order(ROOT_MODULES):
        copy(os.path.join(mods.base, path), os.path.join(mdir, path), 0o644)
        if name not in [norm(m) for m in INITRD_MODULES] or args:
            lines.append((name + " " + args).strip())
    for f in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
        copy(os.path.join(mods.base, f), os.path.join(mdir, f), 0o644)
    run(["qemu-aarch64", "-L", a.sysroot, "-0", "depmod", os.path.join(a.sysroot, "bin/kmod"),
         "-b", os.path.abspath(tree), kver])
    order = []
    for l in lines:
        n = l.split()[0]
        if not any(o.split()[0] == n for o in order):
            order.append(l)
    write(os.path.join(tree, "etc/kiosk/modules.load"),
          "".join(l + "\n" for l in order if not l.startswith(("virtio_pci", "ext4", "crc16",
                                                               "mbcache", "jbd2", "virtio_blk",
                                                               "crc32c"))))

    # Firmware tools from the arm64 build (the app itself goes to the slots).
    tools = []
    if os.path.isdir(a.bin):
        for n in sorted(os.listdir(a.bin)):
            p = os.path.join(a.bin, n)
            if n != "kiosk" and os.path.isfile(p) and os.access(p, os.X_OK):
                copy(p, os.path.join(tree, "usr/bin", n), 0o755)
                tools.append(n)
    # Bench-only helpers (a release image leaves out /usr/lib/kiosk-bench).
    bench = []
    for n in ("vm-printer-agent", "vm-drawtest", "vm-usbprobe"):
        p = os.path.join(a.ttools, n)
        if not os.path.exists(p):
            raise SystemExit("mkimage: %s missing: run make ARCH=arm64 units" % p)
        copy(p, os.path.join(tree, "usr/lib/kiosk-bench", n), 0o755)
        bench.append(n)
    for n in ("cmdloop", "gadget", "printer-agent-loop", "session"):
        copy(os.path.join(GUEST, n), os.path.join(tree, "usr/lib/kiosk-bench", n), 0o755)
    copy(os.path.join(GUEST, "stick-mount"), os.path.join(tree, "usr/libexec/kiosk/stick-mount"), 0o755)
    copy(os.path.join(GUEST, "90-kiosk.rules"), os.path.join(tree, "etc/udev/rules.d/90-kiosk.rules"))
    copy(os.path.join(GUEST, "inittab"), os.path.join(tree, "etc/inittab"))
    copy(os.path.join(GUEST, "rcS"), os.path.join(tree, "etc/init.d/rcS"), 0o755)
    copy(os.path.join(GUEST, "rcK"), os.path.join(tree, "etc/init.d/rcK"), 0o755)
    copy(os.path.join(GUEST, "kiosk.env"), os.path.join(tree, "etc/kiosk/kiosk.env"))
    write(os.path.join(tree, "etc/kiosk/compatible"), a.compatible + "\n")
    write(os.path.join(tree, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
    groups = ["root", "tty", "disk", "lp", "kmem", "dialout", "cdrom", "tape", "audio",
              "video", "input", "kvm", "render", "sgx", "floppy", "plugdev", "kiosk"]
    write(os.path.join(tree, "etc/group"),
          "".join("%s:x:%d:\n" % (g, i if i < 2 else 100 + i) for i, g in enumerate(groups)))
    write(os.path.join(tree, "etc/hostname"), "kiosk-vm\n")
    write(os.path.join(tree, "etc/profile"),
          "export PATH=/usr/sbin:/usr/bin\n. /etc/kiosk/kiosk.env\nPS1='kiosk-vm# '\n")

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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sysroot", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--ttools", required=True)
    p.add_argument("--compatible", default="vn-commune-kiosk-qemu-virt-arm64")
    p.add_argument("--app-version", default="0.1.0")
    p.add_argument("--data-mb", type=int, default=512)
    a = p.parse_args()
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
