"""orderdesk.example.toml documents every setting with its real default."""
from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

from daemon.config import ImapAccount, Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "orderdesk.example.toml"


def _keys(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_example_loads_to_the_embedded_defaults():
    """Loading the example gives exactly Settings(): no default in it is stale."""
    assert load_settings(EXAMPLE, env={}) == Settings()


def test_example_names_every_key():
    """Every key of Settings and of each section appears in the example (none left undocumented)."""
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    defaults = Settings()
    top = {k for k in _keys(Settings) if not dataclasses.is_dataclass(getattr(defaults, k))} - {"imap"}
    assert top <= set(data), top - set(data)
    for section in ("paths", "smtp", "erp", "thresholds", "review", "workdays", "money"):
        assert set(data[section]) == _keys(type(getattr(defaults, section))), section


def test_commented_imap_example_names_every_account_key():
    """The commented [[imap]] example covers every ImapAccount key, with the real defaults."""
    lines = [m.group(1) for m in re.finditer(r"^# ?(.*)$", EXAMPLE.read_text(encoding="utf-8"), re.M)]
    block = "\n".join(lines[lines.index("[[imap]]"):])
    account = tomllib.loads(block)["imap"][0]
    assert set(account) == _keys(ImapAccount)
    example_values = {"name", "host", "username", "password_env", "password_credential"}
    built = ImapAccount(**{k: tuple(v) if isinstance(v, list) else v for k, v in account.items()})
    for f in dataclasses.fields(ImapAccount):
        if f.name not in example_values:
            assert getattr(built, f.name) == f.default, f.name
