#!/usr/bin/env python3
"""The pixel-projection test vectors of PixelProjectionEncoderTests.swift, computed from the
definition (exact area coverage with fractions, SplitMix64, numpy) rather than from embcache."""
from fractions import Fraction
import numpy as np
M = 2**64 - 1
def splitmix(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        yield z ^ (z >> 31)
def matrix(rows, cols, seed):
    g = splitmix(seed)
    return np.array([np.float32((next(g) >> 11) / 2**53 * 2 - 1) for _ in range(rows * cols)], dtype=np.float64).reshape(rows, cols)
def area_matrix(src, out):
    # out x src matrix of exact coverage fractions
    m = np.zeros((out, src))
    for o in range(out):
        lo, hi = Fraction(o * src, out), Fraction((o + 1) * src, out)
        for i in range(src):
            cov = min(hi, i + 1) - max(lo, i)
            if cov > 0: m[o, i] = float(cov / (hi - lo))
    return m
def vector(rgb8, size, dim, seed):
    h, w, _ = rgb8.shape
    R, C = area_matrix(h, size), area_matrix(w, size)
    resized = np.einsum("oy,yxc,px->opc", R, rgb8.astype(np.float64), C)
    feats = ((resized - 127.5) / 127.5).reshape(-1)
    v = matrix(dim, feats.size, seed) @ feats
    return v / np.linalg.norm(v)
# image 1: 5x3 RGB 8-bit
w, h = 5, 3
img1 = np.array([[[(x*37 + y*91 + c*53) % 256 for c in range(3)] for x in range(w)] for y in range(h)])
print("rgb 5x3 -> size 2 dim 4 seed 42:", [f"{v:.7f}" for v in vector(img1, 2, 4, 42)])
# image 2: 3x4 grey+alpha 16-bit: grey = (x*7919 + y*15013) % 65536, alpha = 1234 (dropped)
w, h = 3, 4
grey16 = np.array([[(x*7919 + y*15013) % 65536 for x in range(w)] for y in range(h)])
grey8 = (grey16 + 128) // 257
img2 = np.repeat(grey8[..., None], 3, axis=2)
print("grey+alpha16 3x4 -> size 2 dim 3 seed 7:", [f"{v:.7f}" for v in vector(img2, 2, 3, 7)])
# upscale: image1 -> size 7 dim 5 seed 1
print("rgb 5x3 -> size 7 dim 5 seed 1:", [f"{v:.7f}" for v in vector(img1, 7, 5, 1)])
