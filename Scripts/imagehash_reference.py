#!/usr/bin/env python3
"""Reference perceptual hashes from Python's imagehash, for embcache's tests.

  imagehash_reference.py vectors
      Prints imagehash's phash and dhash of the images of the deterministic integer generator
      (`synthetic`, mirrored in Tests/EmbeddingCacheImagesTests/SyntheticImage.swift), in RGB and
      of their red channel as greyscale, as Swift test-vector lines, to commit.
  imagehash_reference.py corpus DIR [--count N] [--seed S]
      Draws N varied photo-like RGB images with Pillow (gradients, shapes, blur, noise, text-like
      strokes, several sizes and aspect ratios), writes each one's raw pixels to DIR/NNNN.rgb and
      DIR/index.json: [{"file", "width", "height", "phash", "dhash"}], the hashes from imagehash.

Needs pillow, numpy, scipy and imagehash (pip install imagehash pillow scipy).
"""
import hashlib
import json
import os
import sys

import imagehash
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

MASK = (1 << 64) - 1


def mix(value):
    """SplitMix64's finaliser: a well-mixed 64-bit value of `value`."""
    z = (value + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def synthetic(seed, width, height):
    """A deterministic photo-like RGB image in integer arithmetic only, so that Swift can rebuild
    it byte for byte: a bilinear blend of three colours, rectangles and discs, and per-pixel noise.
    Returns a (height, width, 3) uint8 array."""
    counter = [0]

    def draw():
        counter[0] += 1
        return mix((seed * 1_000_003 + counter[0]) & MASK)

    left, right, bottom = ([draw() % 256 for _ in range(3)] for _ in range(3))
    ys, xs = np.mgrid[0:height, 0:width].astype(np.int64)
    pixels = np.zeros((height, width, 3), dtype=np.int64)
    for c in range(3):
        across = (left[c] * (width - 1 - xs) + right[c] * xs) // (width - 1)
        pixels[..., c] = (across * (height - 1 - ys) + bottom[c] * ys) // (height - 1)
    for _ in range(3 + draw() % 5):
        kind = draw() % 2
        x0, y0 = draw() % width, draw() % height
        extent = 1 + draw() % max(1, max(width, height) // 2)
        colour = [draw() % 256 for _ in range(3)]
        if kind == 0:
            inside = (xs >= x0) & (xs < x0 + extent) & (ys >= y0) & (ys < y0 + extent * 2 // 3 + 1)
        else:
            inside = (xs - x0) ** 2 + (ys - y0) ** 2 <= extent * extent // 4
        for c in range(3):
            pixels[..., c][inside] = colour[c]
    amplitude = draw() % 24
    index = (ys * width + xs)[..., None] * 3 + np.arange(3)
    keys = (np.uint64(seed) * np.uint64(2_654_435_761) + index.astype(np.uint64)) & np.uint64(MASK)
    noise = np.vectorize(mix, otypes=[object])(keys.astype(object)).astype(object)
    noise = (noise % (2 * amplitude + 1)).astype(np.int64) - amplitude
    return np.clip(pixels + noise, 0, 255).astype(np.uint8)


VECTOR_SIZES = [(64, 64), (33, 47), (200, 120), (120, 200), (31, 31), (32, 32), (9, 8), (300, 17),
                (17, 300), (250, 250), (100, 75), (75, 100), (48, 36), (640, 64), (2, 2), (129, 97)]


def vectors():
    """One vector per image: the SHA-256 of its RGB samples (so a generator mismatch shows as
    such), the hashes of the RGB image, then of its red channel alone as a greyscale ("L") image."""
    for number, (width, height) in enumerate(VECTOR_SIZES):
        seed = 1000 + number
        pixels = synthetic(seed, width, height)
        rgb = Image.fromarray(pixels, "RGB")
        grey = Image.fromarray(np.ascontiguousarray(pixels[..., 0]), "L")
        digest = hashlib.sha256(pixels.tobytes()).hexdigest()
        print(f'        .init(seed: {seed}, width: {width}, height: {height}, pixels: "{digest}",\n'
              f'              '
              f'phash: "{imagehash.phash(rgb)}", dhash: "{imagehash.dhash(rgb)}", '
              f'greyPhash: "{imagehash.phash(grey)}", greyDhash: "{imagehash.dhash(grey)}"),')


def photo_like(rng, width, height):
    """An RGB image with the structure of a photograph: smooth gradients, overlapping shapes,
    strokes, a blur and sensor-like noise."""
    base = rng.integers(0, 256, (2, 2, 3)).astype(np.float64)
    ys, xs = np.mgrid[0:height, 0:width] / np.array([max(1, height - 1), max(1, width - 1)])[:, None, None]
    blend = (base[0, 0] * ((1 - ys) * (1 - xs))[..., None] + base[0, 1] * ((1 - ys) * xs)[..., None]
             + base[1, 0] * (ys * (1 - xs))[..., None] + base[1, 1] * (ys * xs)[..., None])
    image = Image.fromarray(blend.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(2, 12))):
        box = sorted(rng.integers(0, width, 2).tolist()), sorted(rng.integers(0, height, 2).tolist())
        shape = [box[0][0], box[1][0], box[0][1], box[1][1]]
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        kind = int(rng.integers(0, 4))
        if kind == 0:
            draw.rectangle(shape, fill=colour)
        elif kind == 1:
            draw.ellipse(shape, fill=colour)
        elif kind == 2:
            draw.line(shape, fill=colour, width=int(rng.integers(1, max(2, width // 20))))
        else:
            points = [(int(rng.integers(0, width)), int(rng.integers(0, height))) for _ in range(3)]
            draw.polygon(points, fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0, 3))))
    noisy = np.asarray(image).astype(np.float64) + rng.normal(0, rng.uniform(0, 12), (height, width, 3))
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def corpus(folder, count, seed):
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    index = []
    for number in range(count):
        width = int(rng.choice([24, 32, 40, 64, 100, 128, 160, 224, 256, 320, 333, 480, 640]))
        height = max(8, int(width * rng.choice([0.5, 0.75, 1.0, 1.0, 1.33, 1.5, 2.0])))
        pixels = photo_like(rng, width, height)
        name = f"{number:04d}.rgb"
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(pixels.tobytes())
        rgb = Image.fromarray(pixels, "RGB")
        index.append({"file": name, "width": width, "height": height,
                      "phash": str(imagehash.phash(rgb)), "dhash": str(imagehash.dhash(rgb))})
    with open(os.path.join(folder, "index.json"), "w") as handle:
        json.dump(index, handle)


def main(arguments):
    if arguments[:1] == ["vectors"]:
        vectors()
    elif arguments[:1] == ["corpus"] and len(arguments) >= 2:
        options = dict(zip(arguments[2::2], arguments[3::2]))
        corpus(arguments[1], int(options.get("--count", 200)), int(options.get("--seed", 7)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
