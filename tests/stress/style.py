"""The layout axes of one stress document, each drawn on its own from the seed.

Language follows the customer most of the time (a customer may also write English, a Hong
Kong or Taiwan customer simplified Chinese); everything else — wording, date and number forms,
columns and their order, rules, prose lines, where the customer and currency appear, noise —
is an independent draw, so no reader can be tuned to one combination.
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from tests.stress import vocab
from tests.stress.orders import Truth


@dataclass
class Style:
    lang: str
    date_form: str
    number_form: str
    grouping: bool
    title: str
    field_labels: dict[str, str]
    column_labels: dict[str, str]
    colon: str
    columns: tuple[str, ...]
    header_layout: str          # lines | boxes | stacked (pdf/fax); lines | table (e-mail)
    ruled: bool
    narrow: bool
    lines_as: str               # table | prose
    letterhead: bool
    buyer_field: bool
    stamp: bool
    currency_where: str         # field | heading
    unit_in_qty: bool           # the unit written in the quantity cell (no unit column)
    total_label: str
    print_total: bool
    prose_amounts: bool         # prose lines state each line's amount too
    font_size: float
    page_rows: int | None       # rows on a page before the table continues on the next one (None: as many as fit)
    extras: dict = field(default_factory=dict)   # kind-specific: skew, specks, container, body, forwarded

    def as_json(self) -> dict:
        return asdict(self)

    def shows_amounts(self) -> bool:
        """Whether the page states line amounts or a total, the only things an OCR read can check itself against."""
        amounts = "amount" in self.columns and (self.lines_as == "table" or self.prose_amounts)
        return amounts or self.print_total


def draw_style(truth: Truth, kind: str, rng: random.Random) -> Style:
    """Draw every axis for a document of `kind` (fax | pdf | email) carrying `truth`."""
    lang = _language(truth.customer.lang, rng)
    zh = lang.startswith("zh")
    columns = _columns(truth, rng)
    unit_in_qty = "unit" not in columns
    lines_as = "prose" if rng.random() < 0.2 else "table"
    letterhead = rng.random() < 0.8
    # The round …采购专用章 stamp is a Chinese custom: only Chinese-speaking customers stamp their faxes.
    stamp = kind == "fax" and truth.customer.lang.startswith("zh") and rng.random() < 0.5
    style = Style(
        lang=lang,
        date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
        number_form=rng.choice(vocab.number_forms(lang)),
        grouping=rng.random() < 0.7,
        title=rng.choice(vocab.TITLES[lang]),
        field_labels={k: rng.choice(v) for k, v in vocab.FIELD_LABELS[lang].items()},
        column_labels={k: rng.choice(v) for k, v in vocab.COLUMN_LABELS[lang].items()},
        colon=rng.choice(("：", ":")) if zh else rng.choice((":", ":", "")),
        columns=columns,
        header_layout=rng.choice(("lines", "table") if kind == "email" else ("lines", "boxes", "stacked")),
        ruled=rng.random() < (0.7 if kind == "fax" else 0.5),
        narrow=rng.random() < 0.4,
        lines_as=lines_as,
        letterhead=letterhead,
        # Without a letterhead the page names the buyer in a field (a stamp is read badly by any OCR).
        buyer_field=not letterhead or rng.random() < 0.4,
        stamp=stamp,
        currency_where=rng.choice(("field", "heading")),
        unit_in_qty=unit_in_qty,
        total_label=rng.choice(vocab.TOTAL_LABELS[lang]),
        print_total=truth.anomaly == "total_mismatch" or rng.random() < 0.85,
        prose_amounts=rng.random() < 0.5,
        font_size=rng.choice((8.5, 9, 9.5, 10, 11)),
        page_rows=rng.randint(3, max(3, len(truth.lines) - 1)) if len(truth.lines) > 4 and rng.random() < 0.25 else None,
    )
    style.extras = _extras(kind, rng)
    return style


def _language(native: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.75:
        return native
    if native == "zh-Hant" and roll < 0.9:
        return "zh-Hans"
    return "en" if native != "en" else native


def _columns(truth: Truth, rng: random.Random) -> tuple[str, ...]:
    """Which columns the table has and in what order; a row number usually comes first."""
    own = any(ln.customer_sku for ln in truth.lines)
    ids = ["cust", "sku"] if own and rng.random() < 0.4 else ["cust"] if own else ["sku"]
    words = ["name"] + (["spec"] if rng.random() < 0.5 else [])
    front = ids + words
    if rng.random() < 0.3:
        rng.shuffle(front)
    numbers = ["qty"] + (["unit"] if rng.random() < 0.8 else [])
    if rng.random() < 0.2:
        numbers.reverse()
    money = ["price"] + (["amount"] if rng.random() < 0.8 or truth.anomaly == "row_amount" else [])
    back = numbers + money if rng.random() < 0.85 else money[:1] + numbers + money[1:]
    head = ["no"] if rng.random() < 0.75 else []
    return tuple(head + front + back)


def _extras(kind: str, rng: random.Random) -> dict:
    if kind == "fax":
        return {"skew": round(rng.choice((-1, 1)) * rng.uniform(0.5, 2.0), 2), "specks": rng.randint(500, 4000),
                "container": "pdf" if rng.random() < 0.3 else "tiff", "fax_banner": rng.random() < 0.4}
    if kind == "email":
        return {"body": rng.choice(("html", "text")), "forwarded": rng.random() < 0.2,
                "change_request": rng.random() < 0.08}
    return {}
