"""A scanned page's ruled tables read cell by cell, the rest of the page by the OCR engine.

Where the ruling lines give the cells, the text detector has nothing to find: each cell's ink
is cut into its text lines and read by the recognition model alone. That is faster than
detecting text on the whole page, and a number is never cut at a gap the detector saw in it
("2.85" read as "2" and "85") nor run together with its neighbour across a narrow column.
The rest of the page, with the tables blanked out, goes through detection as before.
"""
from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from parsers.layout.grid import Grid
from parsers.layout.words import Box, Word
from parsers.ocr import LineRecogniser

INSET = 4            # px kept off each cell edge: the rule and what is left of it after levelling
SPECK = 6            # ink components of fewer pixels are fax noise ...
SPECK_REACH = 6      # ... unless they sit this close (px) between two characters, like a decimal point
LINE_GAP = 2         # px of blank rows that part two text lines in a cell
MIN_TEXT = 8         # px: an ink band lower than this is not a line of text
WORD_GAP = 0.6       # a blank stretch wider than this many line heights parts two words on a line
PAD_X, PAD_Y = 16, 8  # px of white beside and above/below a crop, about what the text detector leaves
MIN_SCORE = 0.5      # readings less sure than this are noise (a scribble read as "8"), as the engine drops them
MIN_TABLE_SHARE = 0.25  # a grid narrower than this share of the page is a drawing, not a table


def table_grids(grids: Sequence[Grid], width: int) -> list[Grid]:
    """The grids worth reading cell by cell: wide tables with rows at least a text line high."""
    return [g for g in grids if g.xs[-1] - g.xs[0] >= MIN_TABLE_SHARE * width
            and min(b - a for a, b in zip(g.ys, g.ys[1:])) >= 2 * MIN_TEXT]


def read_cells(engine: LineRecogniser, image: Image.Image, grids: Sequence[Grid], ruled) -> list[Word]:
    """The words in the cells of a level page's tables, read by the recogniser alone. `ruled`
    masks the rules' own ink, which is left out of every cell, as are the page's specks."""
    import numpy as np

    gray = np.asarray(image.convert("L"))
    ink = (gray < 128) & ~ruled
    specks = _specks(ink)
    boxes = [box for g in grids for box in cell_lines(ink & ~specks, g)]
    clean = Image.fromarray(np.where(ruled | specks, 255, gray).astype(np.uint8))
    readings = engine.recognise([_crop(clean, box) for box in boxes]) if boxes else []
    return [Word(text.strip(), box, conf) for box, (text, conf) in zip(boxes, readings)
            if text.strip() and conf >= MIN_SCORE]


def _specks(ink):
    """The page's specks: ink blobs too small to be part of a character. A blob as small that sits
    like a decimal point (between two characters, on their baseline) is kept: in small print it
    is two pixels wide at 200 dpi, and without it "1.68" reads 168, or as two words."""
    import cv2
    import numpy as np

    _count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < SPECK
    small[0] = False
    letters = (labels > 0) & ~small[labels]
    near = cv2.dilate(letters.astype(np.uint8), np.ones((1, 2 * SPECK_REACH + 1), np.uint8)).astype(bool)
    for i in np.unique(labels[near & small[labels]]):
        x, y, w, h = stats[i, :4]
        small[i] = not _on_baseline(letters, x, y + h, w, h)
    return small[labels]


def _on_baseline(letters, x: int, bottom: int, width: int, height: int) -> bool:
    """A dot at least 2 px square with characters ending within SPECK_REACH px left and right of
    it, the characters beside it (the next 3 reaches) sitting on its bottom."""
    import numpy as np

    if width < 2 or height < 2:
        return False
    top, reach = max(bottom - 3 * MIN_TEXT, 0), SPECK_REACH
    for near, beside in ((letters[top:bottom + 3, max(x - reach, 0):x], letters[top:bottom + 3, max(x - 3 * reach, 0):x]),
                         (letters[top:bottom + 3, x + width:x + width + reach],
                          letters[top:bottom + 3, x + width:x + width + 3 * reach])):
        rows = np.flatnonzero(beside.any(axis=1)) if beside.size else []
        if not near.any() or len(rows) == 0 or abs(top + int(rows[-1]) + 1 - bottom) > 1:
            return False
    return True


def cell_lines(ink, grid: Grid) -> list[Box]:
    """Boxes of the text lines in every cell of a grid (merged cells whole), specks left out."""
    import statistics

    cells = []
    for r in range(grid.rows):
        for start, end in grid.cells(r):
            x0, x1 = int(grid.xs[start]) + INSET, int(grid.xs[end]) - INSET
            y0, y1 = int(grid.ys[r]) + INSET, int(grid.ys[r + 1]) - INSET
            if x1 - x0 > MIN_TEXT and y1 - y0 > MIN_TEXT:
                mask = _text_mask(ink[y0:y1, x0:x1])
                runs = _runs(mask.any(axis=1), LINE_GAP)
                if runs:
                    cells.append((x0, y0, mask, runs))
    text = statistics.median(max(b - a for a, b in runs) for *_, runs in cells) if cells else 0
    boxes: list[Box] = []
    for x0, y0, mask, runs in cells:
        for top, bottom in _lines(runs, text):
            height = bottom - top
            for left, right in _runs(mask[top:bottom].any(axis=0), max(int(WORD_GAP * height), 1)):
                boxes.append((float(x0 + left), float(y0 + top), float(x0 + right), float(y0 + bottom)))
    return boxes


def _text_mask(cell):
    """A cell's ink without a slanted rule's remains along its sides."""
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(cell.astype(np.uint8), connectivity=8)
    left, width, height = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    keep = np.ones(count, dtype=bool)  # the page's specks are gone already (`_specks`)
    keep[0] = False
    keep &= ~((width <= 3) & ((left == 0) | (left + width >= cell.shape[1])) & (height > 2 * width))
    return keep[labels]


def _lines(runs: list[tuple[int, int]], text: float) -> list[tuple[int, int]]:
    """Ink bands as text lines of the table's text height: bands closer than a line's height join
    while together no taller than a line (只, 二, 六 have gaps inside)."""
    out: list[list[int]] = []
    for a, b in runs:
        if out and b - out[-1][0] <= 1.3 * text and a - out[-1][1] < 0.5 * text:
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out if b - a >= MIN_TEXT]


def _runs(filled, gap: int) -> list[tuple[int, int]]:
    """[start, end) runs of True, joined across gaps of fewer than `gap` False values."""
    runs: list[list[int]] = []
    for i, value in enumerate(filled):
        if not value:
            continue
        if runs and i - runs[-1][1] < gap:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return [(a, b) for a, b in runs]


def _crop(image: Image.Image, box: Box) -> Image.Image:
    """A line's ink with a white margin, as the recogniser expects a detected text line."""
    x0, top, x1, bottom = (round(v) for v in box)
    crop = image.crop((x0, top, x1, bottom)).convert("L")
    out = Image.new("L", (crop.width + 2 * PAD_X, crop.height + 2 * PAD_Y), 255)
    out.paste(crop, (PAD_X, PAD_Y))
    return out
