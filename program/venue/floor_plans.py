"""Checking an uploaded floor plan: a PNG, JPEG or WebP picture, or an SVG drawing, and its size.

Plans are shown to every visitor from our own address, so an SVG may hold only drawing
(``program/venue/svg_check.py``'s allow-list: no script, event attribute, animation, embedded
HTML or picture, no reference outside the file), parsed with defusedxml (no entity expansion,
no external entities). Pictures are opened with Pillow; one of more than ``MAX_PIXELS`` is
scaled down once, on upload (``fit``), and an absurd one is refused. The page draws board marks
over the plan in its own coordinates (``width`` x ``height``).
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass

from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

from program.venue import svg_check

MAX_BYTES = 3 * 1024 * 1024
# Every visitor's browser decodes the whole picture: 25 megapixels are 100 MB of memory.
MAX_PIXELS = 25_000_000
# Beyond this we do not decode even once to scale down (600 MB and more on the server).
MAX_DECODED_PIXELS = 150_000_000
PICTURES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
SVG = "image/svg+xml"
SVG_NS = "{http://www.w3.org/2000/svg}"
LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


@dataclass(frozen=True)
class Plan:
    content_type: str
    width: float
    height: float


def check(data: bytes) -> Plan:
    """What the uploaded file is and its size in its own units, or a ValidationError saying
    what is wrong with it."""
    check_bytes(data)
    if data.lstrip()[:1] == b"<":
        return check_svg(data)
    return check_picture(data)


def check_bytes(data: bytes) -> None:
    if not data:
        raise ValidationError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            f"The plan is {len(data) / 1024 / 1024:.1f} MB; give one of at most"
            f" {MAX_BYTES // 1024 // 1024} MB."
        )


def check_picture(data: bytes) -> Plan:
    try:
        with open_picture(data) as picture:
            kind = picture.format
            width, height = picture.size
            picture.verify()
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "Give the plan as a PNG, JPEG or WebP picture or an SVG drawing; this file is none"
            " of them."
        ) from error
    if kind not in PICTURES:
        raise ValidationError(f"Give the plan as PNG, JPEG, WebP or SVG, not {kind}.")
    if width * height > MAX_PIXELS:
        raise ValidationError(
            f"The plan is {width}×{height} pixels; give one of at most"
            f" {MAX_PIXELS // 1_000_000} megapixels."
        )
    return Plan(PICTURES[kind], float(width), float(height))


def open_picture(data: bytes) -> Image.Image:
    """Pillow's picture, its size read but nothing decoded; one too large to decode is refused
    with a message (not Pillow's DecompressionBombError, a 500)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as error:
            raise too_large() from error
    if picture.width * picture.height > MAX_DECODED_PIXELS:
        picture.close()
        raise too_large(picture.size)
    return picture


def too_large(size: tuple[int, int] | None = None) -> ValidationError:
    said = f" ({size[0]}×{size[1]} pixels)" if size else ""
    return ValidationError(
        f"The plan is far too large a picture{said}; give one of at most"
        f" {MAX_PIXELS // 1_000_000} megapixels."
    )


def fit(data: bytes) -> tuple[bytes, str]:
    """The upload, a picture of more than MAX_PIXELS scaled down to fit (same format, same
    proportions), and a sentence saying so (empty if kept as it is)."""
    check_bytes(data)
    if data.lstrip()[:1] == b"<":
        return data, ""
    try:
        picture = open_picture(data)
    except (OSError, SyntaxError, ValueError):
        return data, ""  # check() says what is wrong with it
    with picture:
        kind, (width, height) = picture.format, picture.size
        if kind not in PICTURES or width * height <= MAX_PIXELS:
            return data, ""
        scale = math.sqrt(MAX_PIXELS / (width * height))
        size = (max(1, int(width * scale)), max(1, int(height * scale)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture.draft(picture.mode, size)  # JPEG: decoded already smaller
            smaller = ImageOps.exif_transpose(picture.resize(size, Image.Resampling.LANCZOS))
        out = io.BytesIO()
        options = {"quality": 90} if kind in ("JPEG", "WEBP") else {}
        if kind == "JPEG" and smaller.mode not in ("RGB", "L", "CMYK"):
            smaller = smaller.convert("RGB")
        smaller.save(out, kind, **options)
    return out.getvalue(), (
        f"The plan was {width}×{height} pixels; it is kept at {smaller.width}×{smaller.height}"
        f" (at most {MAX_PIXELS // 1_000_000} megapixels, what a phone can show)."
    )


def check_svg(data: bytes) -> Plan:
    try:
        root = ElementTree.fromstring(data)
    except Exception as error:  # defusedxml's refusals and expat's syntax errors alike
        raise ValidationError(f"The SVG cannot be read: {error}.") from error
    if root.tag != f"{SVG_NS}svg":
        raise ValidationError("The file is XML but not an SVG drawing.")
    svg_check.check_tree(root)
    width, height = svg_size(root)
    return Plan(SVG, width, height)


def svg_size(root) -> tuple[float, float]:
    box = root.get("viewBox")
    if box:
        try:
            _x, _y, width, height = (float(v) for v in box.replace(",", " ").split())
        except ValueError as error:
            raise ValidationError(f'The SVG\'s viewBox "{box}" is not four numbers.') from error
    else:
        sizes = [LENGTH.fullmatch(root.get(name) or "") for name in ("width", "height")]
        if not all(sizes):
            raise ValidationError(
                "The SVG has no viewBox and no width and height in pixels: its size is unknown."
            )
        width, height = (float(size.group(1)) for size in sizes)
    if width <= 0 or height <= 0:
        raise ValidationError("The SVG's width and height must be more than 0.")
    return width, height
