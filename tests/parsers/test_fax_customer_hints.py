"""Who sent a fax, from what its letterhead shows even when OCR damaged it: a web domain whose dot
before the country was read as a colon, and a company line OCR cut short ("Albion Packaging Lto")
above a one-word title ("ORDER"), which is the document's name, never the buyer's."""
from __future__ import annotations

import pytest

from parsers.layout import party
from tests.parsers.test_unruled_fax import _read, _row


@pytest.mark.parametrize(("printed", "domain"), [
    ("www.albion13.example:co.uk", "albion13.example.co.uk"), ("www.durand.example:fr", "durand.example.fr"),
    ("Tel +49 89 1234567 www.krueger-gmbh.example:de", "krueger-gmbh.example.de"),
    ("www.acme.example.com, Tel +1 206 555 0100", "acme.example.com"), ("https://www.x-y.example:com.au/po", "x-y.example.com.au")])
def test_a_web_domain_read_with_a_colon_for_a_dot_is_the_domain(printed, domain):
    """Given a letterhead line whose web address OCR read with ':' for the dot before its last labels,
    the domain hint is the whole domain, dots restored (a comma after it ends it)."""
    hints = [c.text for c in party.gather([printed], [None]) if c.kind is party.CandidateKind.DOMAIN]
    assert hints == [domain]


@pytest.mark.parametrize(("company", "title"), [
    ("Albion Packaging Lto", "ORDER"), ("Krüger Lebensmittel Gmb", "BESTELLUNG"), ("Emballages Durand SAR", "COMMANDE"),
    ("Pioneer Industries In", "PURCHASE ORDER")])
def test_a_title_word_is_never_the_buyer_named_above_the_table(company, title):
    """Given a fax whose company line OCR cut short (no legal form left to know it by) above a title,
    and a PO label read as the order's title, the buyer is the company line, not the title."""
    words = _row(60, (company, 620, 620 + 16 * len(company))) + _row(110, ("21 Station Road, Reading RG1 1LG", 410, 900))
    words += _row(160, (title, 752, 752 + 20 * len(title)))
    words += _row(220, ("P.O. Number", 175, 310), ("CG2026110068", 343, 504), ("Date", 842, 891), ("20.11.2026", 1010, 1132))
    words += _row(320, ("Part No.", 172, 256), ("Item Description", 295, 472), ("Qty", 986, 1022), ("Price", 1100, 1150))
    words += _row(370, ("1.04.1039", 173, 275), ("PE hose OD 23mm wall 2mm", 296, 604), ("679", 985, 1023), ("0.47", 1100, 1150))
    assert _read(words).buyer.name == company
