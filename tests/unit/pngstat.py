#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pngstat.py FILE.png RRGGBB...: prints "width height colours nonwhite
near..." for an 8-bit, non-interlaced RGB or RGBA PNG (as Chromium writes
them): its distinct colours, its pixels that are not white, and for each
RRGGBB the pixels within 16 of it in every channel.  Python's standard
library only."""
import struct
import sys
import zlib


def pixels(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(path + ': not a PNG')
    pos, idat, hdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit('%s: depth %d, colour type %d, interlace %d not read' %
                 (path, depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, None, []
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        up = prev or bytearray(stride)
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = up[i], up[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, [bytes(r[i:i + 3]) for r in rows for i in range(0, stride, bpp)]


def main():
    w, h, px = pixels(sys.argv[1])
    count = {}
    for p in px:
        count[p] = count.get(p, 0) + 1
    near = []
    for rgb in sys.argv[2:]:
        want = bytes.fromhex(rgb)
        near.append(sum(n for p, n in count.items()
                        if all(abs(p[i] - want[i]) <= 16 for i in range(3))))
    print(w, h, len(count), len(px) - count.get(b'\xff\xff\xff', 0), *near)


main()
