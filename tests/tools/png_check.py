#!/usr/bin/env python3
"""png_check.py - a second PNG decoder for the screenshot tests, written on
Python's zlib alone: checks the signature, every chunk's CRC, IHDR (8-bit RGB,
not interlaced), one zlib stream over the IDATs, and unfilters the rows
(all five PNG filters).

    png_check.py IN.png [RAW]
Prints "WIDTHxHEIGHT level=FLEVEL filters=T,..." (the zlib header's
compression level field, 0 = fastest, and the filter types used, sorted).
With RAW (8-bit RGB rows, e.g. from tests/tools/png_pixels), the decoded
pixels must equal it. Exit 0 ok, 1 invalid or different, 2 usage."""
import struct
import sys
import zlib


def fail(msg):
    print("png_check: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    data = open(sys.argv[1], "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG signature")
    pos, ihdr, idat, seen_end = 8, None, [], False
    while pos < len(data):
        if pos + 12 > len(data):
            fail("truncated chunk at %d" % pos)
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if len(body) != n or zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            fail("bad CRC or length in chunk %r" % kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            seen_end = True
            break
        pos += 12 + n
    if not ihdr or not idat or not seen_end:
        fail("IHDR, IDAT or IEND missing")
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype != 2 or interlace != 0:
        fail("expected 8-bit RGB, not interlaced")
    z = b"".join(idat)
    level = z[1] >> 6
    raw = zlib.decompress(z)
    stride = w * 3
    if len(raw) != h * (stride + 1):
        fail("%d bytes of rows, expected %d" % (len(raw), h * (stride + 1)))
    out = bytearray()
    prev = bytes(stride)
    zero = bytes(stride)
    kinds = set()
    for y in range(h):
        t = raw[y * (stride + 1)]
        f = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        kinds.add(t)
        if t == 0 or (t == 2 and f == zero):
            row = bytes(f) if t == 0 else prev
        elif t == 2:
            row = bytes((a + b) & 255 for a, b in zip(f, prev))
        elif t in (1, 3, 4):
            r = bytearray(stride)
            for i in range(stride):
                left = r[i - 3] if i >= 3 else 0
                up = prev[i]
                if t == 1:
                    p = left
                elif t == 3:
                    p = (left + up) >> 1
                else:
                    ul = prev[i - 3] if i >= 3 else 0
                    pa, pb, pc = abs(up - ul), abs(left - ul), abs(left + up - 2 * ul)
                    p = left if pa <= pb and pa <= pc else up if pb <= pc else ul
                r[i] = (f[i] + p) & 255
            row = bytes(r)
        else:
            fail("row %d: filter type %d" % (y, t))
        out += row
        prev = row
    if len(sys.argv) == 3:
        want = open(sys.argv[2], "rb").read()
        if want != bytes(out):
            fail("the pixels differ from %s" % sys.argv[2])
    print("%dx%d level=%d filters=%s" % (w, h, level, ",".join(str(k) for k in sorted(kinds))))


main()
