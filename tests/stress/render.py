"""Draw laid-out stress pages as a text PDF (reportlab) or as fax pages (Pillow, 200 dpi).

Faxes go through the same scan noise as the suite's other fax generator
(`tests/data/gen_documents.fax_scan`: skew, specks, binarisation) and are stored as a G4 TIFF
or as a PDF holding the scanned images, the two forms fax servers deliver.
"""
from __future__ import annotations

import functools
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

from tests.data import gen_documents
from tests.stress.page import FONT, HEIGHT, WIDTH, Page, Rule, Stamp, Text

DPI = 200
SCALE = DPI / 72
RED = (200, 30, 30)


def pdf_bytes(pages: list[Page]) -> bytes:
    """The pages as a PDF with a text layer, fonts embedded."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(WIDTH, HEIGHT))
    for page in pages:
        for item in page.items:
            _pdf_item(c, item)
        c.showPage()
    c.save()
    return out.getvalue()


def _pdf_item(c, item) -> None:
    if isinstance(item, Text):
        c.setFont("WQY", item.size)
        c.setFillColorRGB(*(v / 255 for v in item.color))
        draw = {"left": c.drawString, "right": c.drawRightString, "center": c.drawCentredString}[item.align]
        draw(item.x, HEIGHT - item.y, item.text)
    elif isinstance(item, Rule):
        c.setLineWidth(item.width)
        c.line(item.x0, HEIGHT - item.y0, item.x1, HEIGHT - item.y1)
    elif isinstance(item, Stamp):
        c.saveState()
        c.setStrokeColorRGB(*(v / 255 for v in RED))
        c.setFillColorRGB(*(v / 255 for v in RED))
        c.setLineWidth(2)
        c.circle(item.cx, HEIGHT - item.cy, item.radius)
        c.setFont("WQY", _glyph_size(item.text, item.radius))
        for ch, theta in _arc(item.text):
            c.saveState()
            rad = math.radians(theta)
            c.translate(item.cx + item.radius * 0.78 * math.cos(rad), HEIGHT - item.cy + item.radius * 0.78 * math.sin(rad))
            c.rotate(theta - 90)
            c.drawCentredString(0, -item.radius * 0.1, ch)
            c.restoreState()
        c.restoreState()


def _arc(text: str) -> list[tuple[str, float]]:
    """Each character of a stamp's text with its angle on the upper arc, left to right."""
    span = min(250.0, 22.0 * len(text))
    step = span / max(len(text) - 1, 1)
    return [(ch, 90 + span / 2 - i * step) for i, ch in enumerate(text)]


def _glyph_size(text: str, radius: float) -> float:
    """A character size that lets the stamp's text go round the arc without overlapping."""
    span = min(250.0, 22.0 * len(text))
    room = math.radians(span) * radius * 0.78 / max(len(text), 1)
    return min(radius * 0.3, room * 0.95)


@functools.lru_cache(maxsize=32)
def _font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, px)


def fax_image(page: Page, *, skew: float, specks: int, seed: int) -> Image.Image:
    """One page drawn at 200 dpi and passed through the fax scan noise."""
    image = Image.new("RGB", (round(WIDTH * SCALE), round(HEIGHT * SCALE)), "white")
    draw = ImageDraw.Draw(image)
    for item in page.items:
        if isinstance(item, Text):
            anchor = {"left": "ls", "right": "rs", "center": "ms"}[item.align]
            draw.text((item.x * SCALE, item.y * SCALE), item.text, font=_font(round(item.size * SCALE)),
                      fill=item.color, anchor=anchor)
        elif isinstance(item, Rule):
            draw.line([(item.x0 * SCALE, item.y0 * SCALE), (item.x1 * SCALE, item.y1 * SCALE)], fill=(0, 0, 0),
                      width=max(2, round(item.width * SCALE)))
        elif isinstance(item, Stamp):
            _stamp(image, item)
    return gen_documents.fax_scan(image.convert("L"), skew=skew, speckle=specks, seed=seed)


def _stamp(image: Image.Image, stamp: Stamp) -> None:
    cx, cy, r = stamp.cx * SCALE, stamp.cy * SCALE, stamp.radius * SCALE
    draw = ImageDraw.Draw(image)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=RED, width=5)
    draw.text((cx, cy), "★", font=_font(round(r * 0.5)), fill=RED, anchor="mm")
    px = round(_glyph_size(stamp.text, r))
    for ch, theta in _arc(stamp.text):
        glyph = Image.new("RGBA", (px * 2, px * 2), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((px, px), ch, font=_font(px), fill=RED + (255,), anchor="mm")
        glyph = glyph.rotate(theta - 90, resample=Image.Resampling.BILINEAR)
        rad = math.radians(theta)
        x, y = cx + r * 0.78 * math.cos(rad), cy - r * 0.78 * math.sin(rad)
        image.paste(glyph, (round(x - px), round(y - px)), glyph)


def fax_bytes(pages: list[Page], *, skew: float, specks: int, container: str, seed: int) -> bytes:
    """The pages as a received fax: a multi-page G4 TIFF or a PDF of 200 dpi scans."""
    rng = random.Random(seed)
    images = [fax_image(p, skew=skew + rng.uniform(-0.2, 0.2), specks=specks, seed=rng.randrange(1 << 30)) for p in pages]
    if container == "tiff":
        return gen_documents.fax_tiff(images)
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return out.getvalue()
