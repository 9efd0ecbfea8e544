#!/usr/bin/env python3
"""Writes the image fixtures and their expected decodings, independently of embcache's code.

PNG files are written by the small encoder below (zlib + struct, every colour type, bit depth,
tRNS and Adam7), and their expected samples are computed with numpy from the arrays written:
grey below 8 bits scaled to 8 bits, palettes looked up, tRNS turned into an alpha channel. Where
Pillow can read a type, the script checks that Pillow decodes the same samples. JPEG files are
written by Pillow; their orientation variants are checked against Pillow's exif_transpose.

Usage: python3 make_fixtures.py   (writes next to itself; needs numpy and Pillow)
"""
import hashlib
import io
import json
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT = 7, 5  # odd, so that Adam7 passes and sub-byte rows end part-way through a byte
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pack_row(samples: np.ndarray, depth: int) -> bytes:
    samples = [int(v) for v in samples.reshape(-1)]
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in samples)
    if depth == 8:
        return bytes(samples)
    per_byte = 8 // depth
    out = bytearray()
    for start in range(0, len(samples), per_byte):
        group = samples[start:start + per_byte]
        byte = 0
        for index, value in enumerate(group):
            byte |= value << (8 - depth * (index + 1))
        out.append(byte)
    return bytes(out)


def png(samples: np.ndarray, color_type: int, depth: int, palette=None, trns=None, interlace=False,
        width=None, height=None) -> bytes:
    """samples: (height, width, channels) as stored in the file (palette indices for type 3)."""
    h, w = samples.shape[:2]
    ihdr = struct.pack(">IIBBBBB", width or w, height or h, depth, color_type, 0, 0, 1 if interlace else 0)
    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        for row in sub:
            raw += b"\0" + pack_row(row, depth)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    if palette is not None:
        out += chunk(b"PLTE", bytes(int(v) for v in np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")


def pixel_digest(pixels: bytes, width: int, height: int, layout: str, depth: int) -> str:
    """The pixel digest as docs/digests.md defines it."""
    framed = b"embcache/pixels/v1" + b"\0" * 6 + struct.pack("<QQQ", width, height, len(layout))
    framed += layout.encode() + struct.pack("<Q", depth) + pixels
    return hashlib.sha256(framed).hexdigest()


def samples_bytes(array: np.ndarray, depth: int) -> bytes:
    return array.astype(">u2").tobytes() if depth == 16 else array.astype(np.uint8).tobytes()


LAYOUTS = {1: "grey", 2: "grey+alpha", 3: "rgb", 4: "rgba"}


def entry(array: np.ndarray, depth: int) -> dict:
    h, w, c = array.shape
    pixels = samples_bytes(array, depth)
    return {"width": w, "height": h, "layout": LAYOUTS[c], "bitDepth": depth, "pixels": pixels.hex(),
            "pixelDigest": pixel_digest(pixels, w, h, LAYOUTS[c], depth)}


def random_samples(rng, channels, depth):
    return rng.integers(0, 1 << depth, size=(HEIGHT, WIDTH, channels), dtype=np.int64)


def pillow_check(data: bytes, expected: np.ndarray, mode: str):
    decoded = np.asarray(Image.open(io.BytesIO(data)).convert(mode)).reshape(expected.shape)
    assert (decoded == expected).all(), f"Pillow disagrees ({mode})"


def png_fixtures(rng) -> dict:
    expectations = {}

    def add(name, data, expected, depth, pillow_mode=None):
        (HERE / "png" / name).write_bytes(data)
        if pillow_mode:
            pillow_check(data, expected, pillow_mode)
        expectations[f"png/{name}"] = entry(expected, depth)

    for depth in (1, 2, 4, 8, 16):
        grey = random_samples(rng, 1, depth)
        scaled = grey * 255 // ((1 << depth) - 1) if depth < 8 else grey
        for interlace in (False, True):
            suffix = "-adam7" if interlace else ""
            add(f"grey{depth}{suffix}.png", png(grey, 0, depth, interlace=interlace), scaled,
                max(depth, 8), "L" if depth <= 8 else None)
        # tRNS on grey: the samples equal to the key become transparent.
        key = int(grey[0, 0, 0])
        alpha = np.where(grey == key, 0, (1 << max(depth, 8)) - 1)
        add(f"grey{depth}-trns.png", png(grey, 0, depth, trns=struct.pack(">H", key)),
            np.concatenate([scaled, alpha], axis=2), max(depth, 8), "LA" if depth == 8 else None)
    for depth in (8, 16):
        for color_type, mode in ((4, "LA"), (2, "RGB"), (6, "RGBA")):
            samples = random_samples(rng, CHANNELS[color_type], depth)
            for interlace in (False, True):
                suffix = "-adam7" if interlace else ""
                add(f"type{color_type}-{depth}{suffix}.png", png(samples, color_type, depth, interlace=interlace),
                    samples, depth, mode if depth == 8 else None)
        rgb = random_samples(rng, 3, depth)
        rgb[1, 2] = rgb[0, 0]  # a second pixel equal to the key
        alpha = np.where((rgb == rgb[0, 0]).all(axis=2, keepdims=True), 0, (1 << depth) - 1)
        add(f"type2-{depth}-trns.png", png(rgb, 2, depth, trns=struct.pack(">HHH", *rgb[0, 0])),
            np.concatenate([rgb, alpha], axis=2), depth, "RGBA" if depth == 8 else None)
    for depth in (1, 2, 4, 8):
        entries = 1 << depth
        palette = rng.integers(0, 256, size=(entries, 3))
        indices = random_samples(rng, 1, depth)
        looked_up = palette[indices[..., 0]]
        for interlace in (False, True):
            suffix = "-adam7" if interlace else ""
            add(f"palette{depth}{suffix}.png", png(indices, 3, depth, palette=palette, interlace=interlace),
                looked_up, 8, "RGB")
        # tRNS shorter than the palette: the entries past it stay opaque.
        trns = rng.integers(0, 256, size=max(1, entries // 2))
        alpha = np.array([trns[i] if i < len(trns) else 255 for i in indices.reshape(-1)]).reshape(HEIGHT, WIDTH, 1)
        add(f"palette{depth}-trns.png", png(indices, 3, depth, palette=palette, trns=bytes(int(v) for v in trns)),
            np.concatenate([looked_up, alpha], axis=2), 8, "RGBA")
    return expectations


def bomb() -> bytes:
    """100 000 × 100 000 RGB pixels declared in a file of about a kilobyte."""
    rows = b"\0" * (1 + 3 * 100_000) * 4
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


# What each orientation asks a viewer to do, in numpy terms (array axes: rows, columns, channels).
ORIENTATIONS = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],
    3: lambda a: np.rot90(a, 2),
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: np.rot90(a, 2).transpose(1, 0, 2),
    8: lambda a: np.rot90(a, 1),
}


def jpeg_fixtures(rng) -> dict:
    expectations = {}
    y, x = np.mgrid[0:24, 0:32]
    rgb = np.stack([x * 8, y * 10, (x + y) * 4], axis=2) + rng.integers(0, 24, size=(24, 32, 3))
    rgb = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")

    def add(name, image, **options):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", **options)
        (HERE / "jpeg" / name).write_bytes(buffer.getvalue())
        decoded = Image.open(io.BytesIO(buffer.getvalue()))
        if decoded.mode in ("L", "RGB"):
            array = np.asarray(ImageOps.exif_transpose(decoded))
            expectations[f"jpeg/{name}"] = entry(array.reshape(array.shape[0], array.shape[1], -1), 8)
        return buffer.getvalue()

    add("rgb.jpg", rgb, quality=90)
    add("rgb-444.jpg", rgb, quality=95, subsampling=0)
    add("grey.jpg", rgb.convert("L"), quality=90)
    add("progressive.jpg", rgb, quality=80, progressive=True)
    add("cmyk.jpg", rgb.convert("CMYK"), quality=90)
    plain = np.asarray(Image.open(io.BytesIO(add("orientation-1.jpg", rgb, quality=90))))
    for value in range(2, 9):
        exif = Image.Exif()
        exif[0x0112] = value
        data = add(f"orientation-{value}.jpg", rgb, quality=90, exif=exif.tobytes())
        upright = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))))
        assert (upright == ORIENTATIONS[value](plain)).all(), f"orientation {value}"
    return expectations


def main():
    rng = np.random.default_rng(20240604)
    for folder in ("png", "jpeg"):
        (HERE / folder).mkdir(exist_ok=True)
    expectations = png_fixtures(rng)
    expectations.update(jpeg_fixtures(rng))
    (HERE / "png" / "bomb.png").write_bytes(bomb())
    (HERE / "expected.json").write_text(json.dumps(expectations, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
