"""Units of measure as orders write them, and the unit codes the catalog speaks.

One table serves every reader and the reconciliation core: the Chinese classifiers (个 件 只
支 根 条 块 片 张 套 台 把 对 双 副 组 包 袋 盒 箱 卷 捆 桶 瓶 罐 ...), the English, German, Spanish
and French words (pcs, Stück, Karton, piezas), the UN/ECE Recommendation 20 codes EDIFACT sends
(C62, KGM, MTR, PR, PK ...) and the X12 355 codes (EA, PC, CT, RL, PK, PR, DZ ...) all map to
one code per unit (PCS, BOX, ROLL, M, KG, PACK, PR, SET ...), so 包, PK and PACK are the same
unit wherever they are printed.
Codes the two standards give different meanings (Rec 20 CA is a can, X12 CA a case; Rec 20 PA
a packet, X12 PA a pail; Rec 20 ST a sheet, X12 ST a set) are kept only where existing orders
settle them (CA: case) and left out otherwise, so they stay as written and reach a person.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# code -> the ways orders write it (matched after NFKC, upper-cased, trailing "." removed).
_WORDS: dict[str, tuple[str, ...]] = {
    # Counted things. Classifiers name the shape (支 a stick, 张 a sheet, 台 a machine) but
    # all count pieces; traditional spellings come from Taiwan and Hong Kong customers.
    "PCS": ("个", "個", "件", "只", "隻", "支", "根", "条", "條", "块", "塊", "片", "张", "張", "台", "臺",
            "把", "粒", "颗", "顆", "枚", "本", "PCS", "PC", "PCE", "PCES", "EA", "EACH", "PIECE", "PIECES",
            "C62", "H87", "UNIT", "UNITS", "UN", "NMB",
            # German, Spanish, French
            "STK", "STCK", "STÜCK", "PIÈCE", "PIÈCES", "PZA", "PZAS", "PIEZA", "PIEZAS", "UNIDAD", "UNIDADES", "UDS"),
    "BOX": ("箱", "盒", "CTN", "CTNS", "CT", "CA", "CS", "CASE", "CASES", "CARTON", "CARTONS", "BX", "BOX",
            "BOXES", "KARTON", "KARTONS", "CAJA", "CAJAS"),
    "ROLL": ("卷", "捲", "ROLL", "ROLLS", "RL", "RLS", "RO", "REEL", "REELS", "ROLLE", "ROLLEN", "ROLLO",
             "ROLLOS", "ROULEAU", "ROULEAUX"),
    "PACK": ("包", "PK", "PKS", "PACK", "PACKS", "PKT", "PKTS", "PACKET", "PACKETS", "PKG", "PACKAGE",
             "PACKAGES", "PH", "PAKET", "PAKETE", "PACKUNG", "PAQUETE", "PAQUETES", "PAQUET", "PAQUETS"),
    "BAG": ("袋", "BAG", "BAGS", "BG", "BEUTEL", "BOLSA", "BOLSAS", "SAC", "SACS"),
    "PR": ("双", "雙", "对", "對", "副", "PR", "PRS", "PAIR", "PAIRS", "PAAR", "PAR", "PARES", "PAIRE", "PAIRES"),
    "SET": ("套", "组", "組", "SET", "SETS", "SATZ", "JUEGO", "JUEGOS"),
    "DZN": ("打", "DZ", "DZN", "DOZ", "DOZEN", "DOZENS"),
    "BTL": ("瓶", "BTL", "BTLS", "BO", "BOTTLE", "BOTTLES"),
    "CAN": ("罐", "听", "聽", "CAN", "CANS", "CN"),
    "DRUM": ("桶", "DRUM", "DRUMS", "DR", "DRM"),
    "BDL": ("捆", "扎", "紮", "BDL", "BDLS", "BUNDLE", "BUNDLES", "BD", "BE"),
    "PLT": ("托", "托盘", "托盤", "PLT", "PALLET", "PALLETS", "PF"),
    "SHT": ("SHEET", "SHEETS", "SHT", "SH"),
    # Measures.
    "M": ("米", "M", "MR", "MTR", "MTRS", "METER", "METERS", "METRE", "METRES", "LM"),
    "CM": ("厘米", "公分", "CM", "CMT"),
    "MM": ("毫米", "MM", "MMT"),
    "M2": ("平方米", "平米", "㎡", "M2", "MTK", "SQM"),
    "M3": ("立方米", "㎥", "M3", "MTQ", "CBM"),
    "KG": ("公斤", "千克", "KG", "KGS", "KGM", "KILO", "KILOS", "KILOGRAM", "KILOGRAMS"),
    "G": ("克", "G", "GRM", "GR", "GRAM", "GRAMS"),
    "T": ("吨", "噸", "T", "TNE", "TON", "TONS", "TONNE", "TONNES"),
    "L": ("升", "公升", "L", "LTR", "LT", "LITER", "LITERS", "LITRE", "LITRES"),
    "ML": ("毫升", "ML", "MLT"),
    "LB": ("磅", "LB", "LBS", "LBR"),
    "FT": ("英尺", "FT", "FOT", "FEET", "FOOT"),
    "YD": ("码", "碼", "YD", "YDS", "YRD", "YARD", "YARDS"),
    "GAL": ("加仑", "加侖", "GAL", "GALS", "GLL", "GALLON", "GALLONS"),
}
_CODES: dict[str, str] = {word: code for code, words in _WORDS.items() for word in words}
# The units above "Measures": a quantity in them is a whole number.
COUNTED = frozenset(("PCS", "BOX", "ROLL", "PACK", "BAG", "PR", "SET", "DZN", "BTL", "CAN", "DRUM", "BDL", "PLT", "SHT"))

# Units that are usually a size inside a description ("400ml", "25mm", "500g") rather than
# the unit an order counts in; a free text line is not read as "400 ML ordered".
_SIZE_CODES = frozenset(("CM", "MM", "M2", "M3", "G", "ML", "L", "LB", "FT", "YD", "GAL"))
# In free text a short Latin code is a unit only when people write it that way ("500 pcs",
# "20 ea", "3 kg"); EDI codes such as CN, DR or BE would read "518000 CN" or "12 Main Dr".
_SHORT_IN_TEXT = frozenset(("PC", "EA", "CT", "BX", "RL", "M", "KG", "PR", "PK", "DZ"))

# Conversions fixed by definition (1 from = rate to); the catalog's own rows come first.
FIXED_RATES: dict[tuple[str, str], Decimal] = {
    ("DZN", "PCS"): Decimal(12),
    ("T", "KG"): Decimal(1000), ("KG", "G"): Decimal(1000), ("T", "G"): Decimal(1000000),
    ("KG", "T"): Decimal("0.001"), ("G", "KG"): Decimal("0.001"),
    ("M", "CM"): Decimal(100), ("M", "MM"): Decimal(1000), ("CM", "MM"): Decimal(10),
    ("CM", "M"): Decimal("0.01"), ("MM", "M"): Decimal("0.001"), ("MM", "CM"): Decimal("0.1"),
    ("L", "ML"): Decimal(1000), ("ML", "L"): Decimal("0.001"),
}


def _clean(written: str) -> str:
    """The word without the marks printed (or specks read) after it: "pcs." and "kg:" are units."""
    return unicodedata.normalize("NFKC", written).replace("\u3000", " ").strip().rstrip(".:;,").strip()


def unit_code(written: str | None) -> str | None:
    """The unit code for a unit as written ("包" -> "PACK", "KGM" -> "KG"), None when unknown."""
    if not written:
        return None
    return _CODES.get(_clean(written).upper())


# Digits OCR reads for the letters of a Latin unit word at fax resolution ("B0X", "PC5", "K6", "R0L1"):
# a 1 may have been an I or an L.
_LETTER_LOOKALIKES = tuple(str.maketrans({"0": "O", "5": "S", "1": one, "8": "B", "6": "G"}) for one in "IL")


def lookalike_unit(written: str | None) -> str | None:
    """The unit code of a Latin unit word printed with look-alike digits for letters ("B0X" ->
    BOX, "PC5" -> PCS), None unless the word mixes letters and digits and only letters make it
    one unit. "M2", "M3" are units as printed; a size such as "M8" or "A4" never reads as one.
    """
    word = _clean(written or "").upper()
    if not (word.isascii() and word.isalnum() and re.search(r"[A-Z]", word) and re.search(r"\d", word)):
        return None
    if word in _CODES or len(word) < 2:
        return None
    codes = {_CODES[w] for table in _LETTER_LOOKALIKES if (w := word.translate(table)) in _CODES}
    return codes.pop() if len(codes) == 1 else None


def is_counted(written: str | None) -> bool:
    """True for a unit counted in whole things (个, EA, pairs, 箱, rolls), not measured (kg, m)."""
    return unit_code(written) in COUNTED


def unit_words() -> dict[str, str]:
    """Every way the table writes a unit (upper-cased), with its unit code."""
    return dict(_CODES)


def is_unit(text: str | None) -> bool:
    """True for text holding only a unit of measure as orders print it ("EA", "PCS", "箱")."""
    return unit_code(text) is not None


def _in_text(code: str, word: str) -> bool:
    return code not in _SIZE_CODES and (not word.isascii() or len(word) >= 3 or word in _SHORT_IN_TEXT)


def unit_pattern(*, free_text: bool = False) -> str:
    """A regular-expression alternation of written units, longest first (use with re.I).

    `free_text=True` keeps only the units an order counts in as people write them in a sentence
    or a text line: no sizes (400ml, 25mm, 500g) and no bare two-letter EDI codes.
    """
    words = {w for code, ws in _WORDS.items() for w in ws if not free_text or _in_text(code, w)}
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def fixed_rate(from_code: str, to_code: str) -> Decimal | None:
    """How many `to_code` one `from_code` is by definition (a dozen is 12 pieces), else None."""
    return FIXED_RATES.get((from_code, to_code))
