"""Readings of a row's numbers a scan misread, chosen by the row's own arithmetic: quantity x
unit price = amount, within the rounding the printed numbers allow.

A recogniser drops a decimal point ("168" for 1.68), reads a thousands comma as a point
("5.800"), reads specks as marks or digits, or leaves a number unreadable. `readings` lists a
number's other plausible readings, and `settle_row` takes the single one that makes the row
exact (or, where two fit alike, the one in keeping with its column, `numberstyle`), or works out
the one number of three that could not be read. Pure functions over text and Decimals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from parsers.layout.numberstyle import ColumnStyle
from parsers.vocab.numbers import grouped_money, nfkc, parse_decimal

# Characters OCR confuses with digits, and the digit each most likely was.
_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "i": "1",
               "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9"}


def _half_unit(value: Decimal) -> Decimal:
    """Half of the last printed decimal place: 6.13 -> 0.005, 1500 -> 0.5."""
    exponent = value.as_tuple().exponent
    return Decimal(5).scaleb(exponent - 1) if isinstance(exponent, int) else Decimal(0)


def exact(quantity: Decimal, price: Decimal, amount: Decimal) -> bool:
    """quantity x price rounds to the printed amount (at the amount's own decimals)."""
    return abs(quantity * price - amount) <= _half_unit(amount)


def within_rounding(quantity: Decimal, price: Decimal, amount: Decimal) -> bool:
    """quantity x price = amount allowing for a price printed rounded (6.13 for 6.1333)."""
    return abs(quantity * price - amount) <= abs(quantity) * _half_unit(price) + _half_unit(amount)


def readings(text: str | None, *, count: bool = False) -> list[Decimal]:
    """Other ways an OCR'd number may read: look-alike letters as digits, one stray digit
    (a speck) left out, a comma taken for a decimal point or a dot for a thousands comma, a decimal point lost,
    specks after the last decimal read as digits (3.47 for "3.47246", two decimals kept at least), a speck read as
    a mark or a minus sign before or after it ("95,87.", "-3.23"), beside a mark ("1,.784") or inside a number
    it leaves unreadable ("2.7.1"), a decimal point read as a colon ("4698:45"), and the misread marks of `mark_readings`
    (of a `count`, a quantity, when it is one). The printed reading is not among them."""
    raw = nfkc(text or "")
    printed = parse_decimal(raw)
    found: list[Decimal] = []

    def add(candidate: str) -> None:
        value = parse_decimal(candidate)
        if value is not None and value != printed and value not in found:
            found.append(value)

    add("".join(_LOOKALIKES.get(ch, ch) for ch in raw))
    add(raw.strip(".,:;·'` "))  # a speck read as a mark before or after the number ("95,87.")
    add(raw.strip(".,:;·'` -~_"))  # ... or as a minus sign or a dash ("-3.23")
    add(re.sub(r"(?<=\d)[:;](?=\d{1,4}$)", ".", raw))  # a decimal point read as a colon ("4698:45")
    digits = [i for i, ch in enumerate(raw) if ch.isdigit()]
    ungrouped = not _ONE_NUMBER.fullmatch(raw)
    for i in digits:  # a speck read as a digit; what is left must still be grouped as printed ("12,18.00" is not)
        left = raw[:i] + raw[i + 1:]
        if ungrouped or _ONE_NUMBER.fullmatch(left):
            add(left)
    for run in re.finditer(r"[.,:;·'`]{2,}", raw):  # a speck beside a mark ("1,.784"): one of them, or neither
        for mark in ("", *dict.fromkeys(run.group())):
            add(raw[:run.start()] + mark + raw[run.end():])
    if raw.count(",") == 1 and "." not in raw:
        add(raw.replace(",", "."))
    if printed is None:  # a speck read as one more mark inside it ("2.7.1" for 2.71)
        for i in (i for i, ch in enumerate(raw) if ch in ".,"):
            add(raw[:i] + raw[i + 1:])
    for candidate in mark_readings(raw, count=count):
        add(candidate)
    tail = re.fullmatch(r"(\d+\.\d{2})(\d+)", raw)
    for cut in range(len(tail.group(2)) if tail else 0):  # specks after the last digit read as digits ("3.47246")
        add(tail.group(1) + tail.group(2)[:cut])
    return found


def mark_readings(raw: str, *, count: bool = False) -> list[str]:
    """A number's other readings where only its marks were misread, as plain text: a thousands
    comma read as a point ("5.800" for 5,800, never "0.008"), a decimal point too small for the
    scan, lost or read as a gap ("168" or "1 68" for 1.68); and for a `count` (a quantity, which
    orders mostly print whole) its one mark read from a speck or a thousands comma ("1.16" for 116),
    but no lost point before decimals that are all zeros.
    Only a count is read so: taking the mark out of a price or an amount scales the row as well
    as taking it out of the quantity does, so the arithmetic could not choose."""
    found: list[str] = []
    if re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", raw):
        found.append(raw.replace(".", ""))
    if count and re.fullmatch(r"\d+[.,]\d+", raw):
        found.append(re.sub(r"[.,]", "", raw))
    grouped = re.fullmatch(r"(\d{1,3}([.,])\d{3}(?:\2\d{3})*) (\d{1,2})", raw)
    if grouped:  # "1,591 59": the decimal point after grouped thousands read as a gap
        found.append(f"{grouped[1]}{'.' if grouped[2] == ',' else ','}{grouped[3]}")
    if re.fullmatch(r"\d+(?: \d+)?", raw):
        digits = raw.replace(" ", "")
        # A count read whole is never taken for "3.000" or "30.00": only a price prints a whole
        # number with decimals, and 3000 x 0.766 must not become 3.000 x 766.
        found += [f"{digits[:i]}.{digits[i:]}" for i in range(1, len(digits)) if not (count and not digits[i:].strip("0"))]
    return found


@dataclass(frozen=True, slots=True)
class RowValues:
    """A row's three numbers as read and as printed (text), for the arithmetic."""

    quantity: Decimal | None
    price: Decimal | None
    amount: Decimal | None
    texts: tuple[str | None, str | None, str | None] = (None, None, None)


_NAMES = ("quantity", "unit price", "amount")


def settle_row(values: RowValues, *, ocr: bool, style: ColumnStyle = ColumnStyle()) -> tuple[RowValues, str | None]:
    """On an OCR read, the row's numbers made to agree where the page allows it, and a sentence
    when one changed; other reads are returned as they are (their characters are not guesses).

    With all three read and not exact, the other readings of each number are tried (one
    number changed at a time) and the single one that makes the row exact is taken; a quantity
    or price read as 0 beside a non-zero amount, or read with one digit lost, counts as unreadable. With one
    of the three unreadable (its column is there, `texts` holds None for a column that is
    not), it is worked out from the other two when that gives a plain number. Where two
    readings fit alike, the one in keeping with its column's other rows (`style`) is taken.
    An amount read with every mark alike ("4.007.50") is read as money first (`grouped_money`).
    """
    numbers = [values.quantity, values.price, values.amount]
    if not ocr:
        return values, None
    parted = _parted(values)
    if parted[1] is not None:
        return parted
    grouped = _grouped_amount(values)
    if grouped is not None:
        settled, note = settle_row(grouped, ocr=ocr, style=style)
        said = f"the amount read \"{values.texts[2]}\" was taken as {grouped.amount}, its last mark the decimal point"
        return settled, said + (f"; {note}" if note else "")
    if all(n is not None for n in numbers):
        if exact(*numbers):
            return values, None
        fixes = _fixes(values)
        settled = _reread(values, style, fixes)
        if settled[1] is None and not fixes:
            settled = _reread_marks(values, style)
        if settled[1] is None and numbers[2]:
            lost = [i for i in (0, 1) if numbers[i] == 0 or _digit_lost(values, i)]
            if len(lost) == 1:  # "0" for 0.1489, "9" for 90: digits lost
                return _work_out(replace(values, **{("quantity", "price")[lost[0]]: None}), lost[0])
        return settled
    missing = [i for i, n in enumerate(numbers) if n is None]
    if len(missing) == 1 and values.texts[missing[0]] is not None:
        reread = _reread(values, style, _fixes(values))  # "95,87.": a reading of the unreadable number the arithmetic vouches for
        return reread if reread[1] is not None else _work_out(values, missing[0])
    return values, None


# One number as printed: grouped in threes by one mark, with decimals after another; or plain.
_ONE_NUMBER = re.compile(r"\d{1,3}(?:([,. '])\d{3})(?:\1\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?")
_DECIMALS = re.compile(r"[.,]\d+$")


def _as_decimal(text: str) -> set[Decimal]:
    """A number as read, and with its last mark taken for the decimal point ("11,266" may be 11.266)."""
    found = {v for v in (parse_decimal(text),) if v is not None}
    m = re.fullmatch(r"(\d[\d ]*)[.,](\d+)", text)
    if m:
        found.add(Decimal(m[1].replace(" ", "") + "." + m[2]))
    return found


def _parted(values: RowValues) -> tuple[RowValues, str | None]:
    """A price and an amount OCR read as one run into one of the two cells, the other left empty
    ("0,663760.40" for 0,6637 | 60.40): parted at the one place where quantity x price = amount."""
    q, (_q, price, amount) = values.quantity, values.texts
    if q is None or price is None or amount is None or bool(price.strip()) == bool(amount.strip()):
        return values, None
    run = nfkc(price.strip() or amount.strip())
    if _ONE_NUMBER.fullmatch(run):
        return values, None  # "1,020.40" is one number as printed, whatever cell it stands in
    found: set[tuple[Decimal, Decimal]] = set()
    for k in range(1, len(run)):
        left, right = run[:k].strip(), run[k:].strip()
        shown = run[k].isspace() or (_DECIMALS.search(left) and _DECIMALS.search(right))
        if not shown or not run[k - 1].isdigit() or re.match(r"0\d", right):
            continue
        found |= {(p, a) for p in _as_decimal(left) for a in _as_decimal(right) if a and exact(q, p, a)}
    if len({(p.normalize(), a.normalize()) for p, a in found}) != 1:
        return values, None
    p, a = max(found, key=lambda pa: (-pa[0].as_tuple().exponent, -pa[1].as_tuple().exponent))
    note = f"the unit price and amount were read as one number \"{run}\", parted where quantity x unit price = amount"
    return RowValues(q, p, a, values.texts), note


def _digit_lost(values: RowValues, i: int) -> bool:
    """Whether the quantity (0) or price (1) worked out from the other two is the number as read
    with one digit more ("9" read for 90): a digit the scan lost, not a different number."""
    worked, _note = _work_out(replace(values, **{("quantity", "price")[i]: None}), i)
    read, found = (values.quantity, values.price)[i], (worked.quantity, worked.price)[i]
    if read is None or found is None:
        return False
    shown, whole = re.sub(r"\D", "", str(read)), re.sub(r"\D", "", str(found))
    return len(whole) == len(shown) + 1 and any(whole[:k] + whole[k + 1:] == shown for k in range(len(whole)))


def _grouped_amount(values: RowValues) -> RowValues | None:
    """The row with an unreadable amount read as money whose thousands marks OCR read as its
    decimal point ("4.007.50" for 4,007.50); None when the amount is not such a run."""
    if values.amount is not None or not values.texts[2]:
        return None
    amount = grouped_money(values.texts[2])
    return None if amount is None else replace(values, amount=amount)


def _amount_reading(alt: Decimal, amount: Decimal | None) -> bool:
    """Whether an amount may read as `alt`: money prints two decimals, so a reading with more
    than the number as read ("4.00750" from "4.007.50") is no amount."""
    places = max(2, -_exponent(amount) if amount is not None else 0)
    return -_exponent(alt) <= places


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _number_part(text: str | None) -> str:
    """A quantity cell's number without the unit printed after it ("5.150 EA" -> "5.150") or the
    end of a description run into the cell before it ("flute 820" -> "820")."""
    m = re.fullmatch(r"(?:[^\W\d_][^\d]*\s)?([-+]?\d(?:[\d,.' ]*\d)?)(?:\s*[^\W\d_]+\.?)?", nfkc(text or ""))
    return m.group(1) if m else nfkc(text or "")


def _fixes(values: RowValues) -> list[tuple[int, Decimal]]:
    """Each (number, reading) that alone makes the row exact."""
    numbers = [values.quantity, values.price, values.amount]
    fixes: list[tuple[int, Decimal]] = []
    for i in range(3):
        text = values.texts[i] or ""
        alts = readings(text, count=i == 0)
        part = _number_part(text) if i == 0 else text
        if part != nfkc(text):  # "5.150 EA", "flute 820": the number's readings, not the words'
            own = [parse_decimal(part)] if values.quantity is None else []
            alts += [alt for alt in own + readings(part, count=True) if alt is not None and alt not in alts]
        for alt in alts:
            trial = list(numbers)
            trial[i] = alt
            if (all(v is not None for v in trial) and exact(*trial)
                    and (i != 2 or _amount_reading(alt, numbers[2]))):
                fixes.append((i, alt))
    return fixes


def _reread(values: RowValues, style: ColumnStyle,
            fixes: list[tuple[int, Decimal]]) -> tuple[RowValues, str | None]:
    numbers = [values.quantity, values.price, values.amount]
    kept = [(i, alt) for i, alt in fixes if style.in_keeping(i, alt, numbers[i])]
    if len(fixes) != 1 and len(kept) != 1:
        return values, None
    i, alt = fixes[0] if len(fixes) == 1 else kept[0]
    fixed = list(numbers)
    fixed[i] = alt
    why = ("the reading that makes quantity x unit price = amount" if len(fixes) == 1 else
           "the one reading that makes quantity x unit price = amount and looks like the column's other rows")
    note = f"the {_NAMES[i]} read \"{values.texts[i]}\" was taken as {alt}, {why}"
    return RowValues(fixed[0], fixed[1], fixed[2], values.texts), note


def _reread_marks(values: RowValues, style: ColumnStyle) -> tuple[RowValues, str | None]:
    """A row whose quantity and price both lost or misread a mark ("5.150" x "1 48" for
    5,150 x 1.48), where no one number's reading makes the row exact: the one pair of
    `mark_readings` that makes it exact and looks like the columns' other rows, which must
    both say how they print (two changed numbers fit too easily to be taken on less)."""
    if style.fraction(0, values.quantity) is None or style.fraction(1, values.price) is None:
        return values, None
    q_text, p_text = _number_part(values.texts[0]), nfkc(values.texts[1] or "")
    amount = values.amount
    pairs = {(q, p) for q in map(parse_decimal, mark_readings(q_text, count=True))
             for p in map(parse_decimal, mark_readings(p_text))
             if q is not None and p is not None and amount is not None and exact(q, p, amount)
             and style.in_keeping(0, q, values.quantity) and style.in_keeping(1, p, values.price)}
    if len(pairs) != 1:
        return values, None
    (q, p), = pairs
    note = (f"the quantity read \"{q_text}\" and the unit price read \"{p_text}\" were taken as {q} and {p}, "
            "the one reading of their marks that makes quantity x unit price = amount")
    return RowValues(q, p, amount, values.texts), note


def _work_out(values: RowValues, i: int) -> tuple[RowValues, str | None]:
    q, p, a = values.quantity, values.price, values.amount
    value: Decimal | None = None
    if i == 0 and p and a is not None:
        value = a / p
        value = value.quantize(Decimal(1)) if abs(value - value.to_integral_value()) < Decimal("0.0001") else None
    elif i == 1 and q and a is not None:
        value = next((v for places in range(5) if exact(q, v := (a / q).quantize(Decimal(1).scaleb(-places)), a)), None)
    elif i == 2 and q is not None and p is not None:
        value = q * p
    if value is None or (i == 0 and value <= 0):
        return values, None
    fixed = [q, p, a]
    fixed[i] = value
    text = (values.texts[i] or "").strip()
    what = ("could not be read" if not text else f"read \"{text}\" is not a number" if parse_decimal(text) is None
            else f"read \"{text}\" lost digits in the scan")
    note = f"the {_NAMES[i]} {what}; {value} was worked out from the other two numbers"
    return RowValues(fixed[0], fixed[1], fixed[2], values.texts), note
