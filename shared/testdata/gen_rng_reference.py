#!/usr/bin/env python3
"""Known-answer values for shared/rng_test.ts from an independent Python Philox4x32-10.

Run from the repository root:  python3 shared/testdata/gen_rng_reference.py
It prints the values that rng_test.ts pins (copy them there if the mapping is ever changed on
purpose). The mapping documented in shared/rng.ts:
  normals:  row i, block b (4 values): w = philox((i lo, i hi, b, 0), (seed, stream));
            Box-Muller on (w0, w1) and (w2, w3): u1 = (w + 1) / 2^32, u2 = w / 2^32,
            values r cos(2 pi u2), r sin(2 pi u2), rounded to float32.
  uniforms: index i: w = philox((i lo, i hi, 0, 0), (seed, stream)),
            ((w0 >> 5) * 2^26 + (w1 >> 6)) / 2^53.
"""

import math
import struct

M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox(ctr, key, rounds=10):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(rounds):
        if r:
            k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
        p0, p1 = M0 * c0, M1 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & MASK, (p0 >> 32) ^ c3 ^ k1, p0 & MASK
    return [c0, c1, c2, c3]


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def normals(seed, start, count, dim, stream=0):
    out = []
    for r in range(count):
        row = start + r
        vals = []
        for block in range((dim + 3) // 4):
            w = philox([row & MASK, row >> 32, block, 0], [seed, stream])
            for pair in range(2):
                u1 = (w[2 * pair] + 1) / 2**32
                u2 = w[2 * pair + 1] / 2**32
                rad = math.sqrt(-2 * math.log(u1))
                vals += [rad * math.cos(2 * math.pi * u2), rad * math.sin(2 * math.pi * u2)]
        out += [f32(v) for v in vals[:dim]]
    return out


def uniforms(seed, start, count, stream=1):
    out = []
    for r in range(count):
        i = start + r
        w = philox([i & MASK, i >> 32, 0, 0], [seed, stream])
        out.append(((w[0] >> 5) * 2**26 + (w[1] >> 6)) / 2**53)
    return out


def hexs(ws):
    return " ".join(f"{w:08x}" for w in ws)


# Random123 known-answer vectors (kat_vectors, philox4x32 10 rounds).
assert hexs(philox([0, 0, 0, 0], [0, 0])) == "6627e8d5 e169c58d bc57ac4c 9b00dbd8"
assert hexs(philox([MASK] * 4, [MASK, MASK])) == "408f276d 41c83b0e a20bc7c6 6d5451fd"
assert hexs(philox([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0])) \
    == "d16cfe09 94fdcceb 5001e420 24126ea1"

print("normals(42, rows 0..1, dim 5):", [repr(v) for v in normals(42, 0, 2, 5)])
print("normals(7, row 2**32 + 3, dim 3, stream 1):", [repr(v) for v in normals(7, 2**32 + 3, 1, 3, 1)])
print("normals(0xffffffff, row 0, dim 2):", [repr(v) for v in normals(0xFFFFFFFF, 0, 1, 2)])
print("uniforms(42, 0..3):", [repr(v) for v in uniforms(42, 0, 4)])
print("uniforms(42, 0..1, stream 0):", [repr(v) for v in uniforms(42, 0, 2, 0)])
print("uniforms(0, 2**32 - 1 .. 2**32):", [repr(v) for v in uniforms(0, 2**32 - 1, 2)])
