"""Runs the OCR detector ran across an unruled table's column edges, read again piece by piece.

Rows of numbers are drawn with the stress corpus' font, a little apart as a narrow fax table prints
them; the detector is stood in for by one run over the whole row (what it does with narrow columns),
and the real recogniser reads the pieces cut at the column edges.
"""
from __future__ import annotations

import os
import random
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers.formats import faxruns
from parsers.layout.words import Word
from parsers.ocr import default_engine
from parsers.vocab import labels as F
from tests.stress import page as stress_page

pytestmark = pytest.mark.skipif(not os.path.exists(stress_page.FONT), reason="fonts-wqy-microhei is not installed")
GAP = 14  # px between two columns' text: closer than the detector keeps apart


def _row(texts: list[str]) -> tuple[Image.Image, list[tuple[float, float]]]:
    """One line of `texts` drawn GAP px apart at fax resolution; the image and each text's x extent."""
    font = ImageFont.truetype(stress_page.FONT, 26)
    image = Image.new("L", (1400, 60), 255)
    draw = ImageDraw.Draw(image)
    x, extents = 40.0, []
    for text in texts:
        width = draw.textlength(text, font=font)
        draw.text((x, 15), text, fill=0, font=font)
        extents.append((x, x + width))
        x += width + GAP
    return image, extents


def _edges(extents: list[tuple[float, float]], fields: list[str]) -> list[faxruns.Edge]:
    return [faxruns.Edge((a[1] + b[0]) / 2, (a[1], b[0]), 0, 60, (0, 60), left, right)
            for a, b, left, right in zip(extents, extents[1:], fields, fields[1:])]


@pytest.mark.parametrize("seed", range(4))
def test_a_run_of_several_numeric_columns_is_read_again_column_by_column(seed):
    """Given a quantity, a unit, a price and an amount (drawn at random) that the detector read as one
    run without spaces, the run is replaced by one word per column, each read as printed."""
    rng = random.Random(seed)
    qty = rng.randint(2, 4000)
    price = Decimal(rng.randint(11, 99999)) / 100
    texts = [str(qty), rng.choice(["M", "KG", "PCS", "箱"]), f"{price}", f"{qty * price:,.2f}"]
    image, extents = _row(texts)
    run = Word("".join(texts), (extents[0][0] - 2, 12, extents[-1][1] + 2, 48), 0.95)
    fields = [F.QUANTITY, F.UNIT, F.UNIT_PRICE, F.AMOUNT]
    words = faxruns.reread_straddling([run], image, _edges(extents, fields), default_engine())
    assert [w.text for w in words] == texts
    assert all(a[0] <= w.cx <= a[1] for w, a in zip(words, extents))  # each in its own column


def test_a_description_that_reaches_past_a_column_edge_stays_whole():
    """Given a product name printed past the place the columns were cut ("Stretch film" | "50mm x310um",
    the second half under the quantity's heading), it is not read as a quantity: the run stays whole."""
    image, extents = _row(["Stretch film", "50mm x310um"])
    run = Word("Stretch film 50mm x310um", (extents[0][0] - 2, 12, extents[-1][1] + 2, 48), 0.97)
    words = faxruns.reread_straddling([run], image, _edges(extents, [F.DESCRIPTION, F.QUANTITY]), default_engine())
    assert words == [run]
