"""A row of header labels with their values in the row below (a stacked header block), one label
misread by a letter as a fax reads it ("Bestelidatum"): each value still joins its label."""
from __future__ import annotations

import random

import pytest

from parsers.layout.rows import label_cells
from parsers.layout.words import Word, group_lines
from parsers.vocab import labels as F
from tests.stress.vocab import FIELD_LABELS

_FIELDS = {"po": F.PO_NUMBER, "order_date": F.ORDER_DATE, "delivery_date": F.DELIVERY_DATE}
_VALUES = {"po": "4500940019", "order_date": "16.11.2026", "delivery_date": "22.12.2026"}
_SLIPS = {"l": "i", "i": "l", "n": "r", "e": "c", "m": "rn", "t": "f"}


def _misread(label: str, rng: random.Random) -> str:
    """The label with one letter read as a look-alike."""
    at = [i for i, ch in enumerate(label) if ch in _SLIPS and i > 0]
    i = rng.choice(at)
    return label[:i] + _SLIPS[label[i]] + label[i + 1:]


@pytest.mark.parametrize("seed", range(30))
def test_a_stacked_label_misread_by_a_letter_still_takes_the_value_under_it(seed):
    rng = random.Random(seed)
    lang = rng.choice(["en", "de", "es", "fr"])
    keys = ["po", "order_date", "delivery_date"]
    labels = {k: rng.choice([l for l in FIELD_LABELS[lang][k] if len(F.label_key(l)) >= 8] or FIELD_LABELS[lang][k])
              for k in keys}
    slipped = rng.choice([k for k in keys if len(F.label_key(labels[k])) >= 8 and any(c in _SLIPS for c in labels[k][1:])]
                         or [None])
    if slipped is None:
        return
    printed = {k: _misread(labels[k], rng) if k == slipped else labels[k] for k in keys}
    if F.split_label(printed[slipped]) is None or F.split_label(printed[slipped])[0] != _FIELDS[slipped]:
        return  # a slip that makes another word: nothing reads it as the label (no guess)
    words = [Word(printed[k], (100 + 400 * i, 100, 100 + 400 * i + 10 * len(printed[k]), 120)) for i, k in enumerate(keys)]
    words += [Word(_VALUES[k], (100 + 400 * i + rng.randint(-5, 20), 150, 100 + 400 * i + 110, 170)) for i, k in enumerate(keys)]
    lines = group_lines(words)
    cells = label_cells(lines, {0, 1})
    joined = {F.split_label(text)[0]: F.split_label(text)[2] for text, _w in cells[0] if F.split_label(text)}
    assert joined == {_FIELDS[k]: _VALUES[k] for k in keys}, (printed, cells[0])
