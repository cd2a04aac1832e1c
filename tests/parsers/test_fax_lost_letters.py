"""A long text line the detector cut into two runs, losing the letters at the cut ("…, quant" |
"125pairs, unit price"), is read again whole; runs with a blank gap or only a speck between them
are words really apart and stay as they were (generated)."""
from __future__ import annotations

import random

import pytest
from PIL import Image, ImageDraw

from parsers.formats import fax
from parsers.ocr import OcrWord

LINES = ["Item 24: Work gloves 40cm nitrile coated (P/N 1.01.1008), quantity 125 pairs, unit price 0.4477",
         "Pos. 3: Hex bolt M15x240 zinc (Art.-Nr. 2.02.1051), Menge 570.5 m, Einzelpreis 3,61 EUR",
         "Ligne 7 : PE zip bag 60x30cm (réf. 1.03.1021), quantité 1,296 PACK, prix unitaire 0,3123 EUR"]
CHAR_W, HEIGHT, TOP = 12, 30, 100


class _Recogniser:
    """A scripted engine: the detector's runs as given; any crop recognised as the whole line."""

    def __init__(self, words, line):
        self.words, self.line = words, line

    def read(self, image):
        return list(self.words)

    def recognise(self, images):
        return [(self.line, 0.97)] * len(images)


def _cut_line(rng: random.Random, gap: str):
    """The line's page and its two runs: the letters between them lost, their ink left on the page
    (`gap` "letters"), or a blank gap, or a blank gap with one speck."""
    line = rng.choice(LINES)
    start, end = sorted(rng.sample(range(20, len(line) - 20), 2))
    end = min(end, start + rng.randint(2, 5))
    left, right = line[:start].rstrip(), line[end:].lstrip()
    x0 = 50
    a = OcrWord(left, (x0, TOP, x0 + CHAR_W * len(left), TOP + HEIGHT), round(rng.uniform(0.93, 0.99), 3))
    bx = a.box[2] + CHAR_W * (end - start)
    b = OcrWord(right, (bx, TOP + 2, bx + CHAR_W * len(right), TOP + HEIGHT + 2), round(rng.uniform(0.91, 0.96), 3))
    image = Image.new("L", (int(b.box[2]) + 60, 300), 255)
    draw = ImageDraw.Draw(image)
    if gap == "letters":
        for k in range(end - start):
            x = a.box[2] + k * CHAR_W + 2
            draw.rectangle((x, TOP + 6, x + CHAR_W - 5, TOP + HEIGHT - 6), fill=0)
    elif gap == "speck":
        x = (a.box[2] + b.box[0]) / 2
        draw.rectangle((x, TOP + 14, x + 2, TOP + 16), fill=0)
    return line, [a, b], image


@pytest.mark.parametrize("seed", range(12))
def test_a_run_cut_where_letters_were_lost_is_read_again_whole(seed):
    """Given two runs on one line with ink between them, the surer whole reading replaces both."""
    line, words, image = _cut_line(random.Random(seed), "letters")
    page = fax._read(_Recogniser(words, line), image, 1)
    assert [w.text for w in page.words] == [line]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("gap", ["blank", "speck"])
def test_runs_with_nothing_between_them_stay_apart(seed, gap):
    """Given two runs on one line with a blank gap (or a lone speck) between them, a reading of the
    two as one line with spaces is not taken: they stay the two runs the detector read."""
    line, words, image = _cut_line(random.Random(seed), gap)
    page = fax._read(_Recogniser(words, line), image, 1)
    assert [w.text for w in page.words] == [w.text for w in words]


@pytest.mark.parametrize("seed", range(8))
def test_a_whole_reading_that_drops_what_the_runs_read_is_not_taken(seed):
    """Given ink between the runs, a whole reading that loses much of what the runs read (another
    line's text, say) is not taken."""
    rng = random.Random(seed)
    line, words, image = _cut_line(rng, "letters")
    other = next(l for l in LINES if l != line)
    page = fax._read(_Recogniser(words, other), image, 1)
    assert [w.text for w in page.words] == [w.text for w in words]
