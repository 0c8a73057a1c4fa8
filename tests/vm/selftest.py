#!/usr/bin/env python3
"""selftest.py - checks the host-side pieces of the VM bench without QEMU:
PPM to PNG conversion and the PNG reader/comparison, the status-query filter
of printer captures, the stick image maker, and that the guest scripts parse.
Run by tests/cli/vm_bench_host.sh. Exit 0 pass, 1 fail, 77 skip."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools", "vm"))
import scenarios as S  # noqa: E402
import vm as V  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def main():
    tmp = os.environ.get("TESTS_TMP") or tempfile.mkdtemp()
    os.makedirs(tmp, exist_ok=True)
    # PPM -> PNG -> pixels, and the comparison.
    w, h = 64, 48
    rgb = bytearray()
    for y in range(h):
        for x in range(w):
            rgb += bytes((x * 4, y * 5, 200 if x < 32 else 10))
    ppm = os.path.join(tmp, "a.ppm")
    with open(ppm, "wb") as f:
        f.write(b"P6\n# comment\n%d %d\n255\n" % (w, h) + rgb)
    png = os.path.join(tmp, "a.png")
    V.ppm_to_png(ppm, png)
    rw, rh, rp = S.read_png(png)
    check((rw, rh) == (w, h) and rp == bytes(rgb), "PPM to PNG round trip is exact")
    check(S.compare_png(png, png) == 0.0, "an image equals itself")
    rgb2 = bytearray(rgb)
    for i in range(0, 10 * 3, 3):  # ten pixels changed a lot
        rgb2[i] = 255 - rgb2[i]
    with open(ppm, "wb") as f:
        f.write(b"P6 %d %d 255\n" % (w, h) + bytes(rgb2))
    png2 = os.path.join(tmp, "b.png")
    V.ppm_to_png(ppm, png2)
    d = S.compare_png(png, png2)
    check(abs(d - 100.0 * 10 / (w * h)) < 1e-9, "comparison counts changed pixels (%.3f %%)" % d)
    with open(ppm, "wb") as f:
        f.write(b"P5 2 2 255\n\0\0\0\0")
    try:
        V.ppm_to_png(ppm, png2)
        check(False, "a P5 file is refused")
    except V.VMError:
        check(True, "a P5 file is refused")
    # Status queries removed from a capture, data kept.
    cap = b"\x1b@AB\x10\x04\x04CD\x10\x04\x01\x10\x05"
    check(S.strip_status_queries(cap) == b"\x1b@ABCD\x10\x05", "DLE EOT n removed, other bytes kept")
    # Stick images (needs dosfstools and mtools).
    if shutil.which("mkfs.vfat") and shutil.which("mcopy") and shutil.which("mtype"):
        img = S.make_stick(tmp, "t", {"a.txt": "xin chào\n".encode()}, 2048)
        out = subprocess.run(["mtype", "-i", img, "::a.txt"], capture_output=True).stdout
        check(out == "xin chào\n".encode(), "stick image holds the file")
    else:
        print("skip stick image (no dosfstools/mtools)")
    # Guest and board scripts parse.
    g = os.path.join(ROOT, "tools", "vm", "guest")
    scripts = [os.path.join(g, n) for n in ("initramfs-init", "cmdloop", "gadget", "printer-agent-loop",
                                            "events-relay", "boot-gadgets")]
    scripts += [os.path.join(ROOT, "board", n) for n in ("kiosk-stick-update.sh", "kiosk-stick-serve.sh",
                                                      "kiosk-fleet-install.sh", "install.sh", "lockdown.sh")]
    for p in scripts:
        r = subprocess.run(["sh", "-n", p], capture_output=True, text=True)
        check(r.returncode == 0, "script %s parses %s" % (os.path.basename(p), r.stderr.strip()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
