"""The operations settings are checked when the file is read: a mode or a first-contact date
that cannot be meant is a one-line configuration error, not a surprise at run time."""
from __future__ import annotations

import pytest

from connectors.settings import node_name
from daemon.config import ConfigError, load_settings


def _load(tmp_path, text: str):
    path = tmp_path / "orderdesk.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, env={})


def test_mode_must_be_live_or_shadow(tmp_path):
    assert _load(tmp_path, 'mode = "shadow"\n').mode == "shadow"
    with pytest.raises(ConfigError, match="mode must be one of live, shadow"):
        _load(tmp_path, 'mode = "dry-run"\n')


def test_since_must_be_a_date(tmp_path):
    account = '[[imap]]\nname = "orders"\nhost = "imap.example.com"\nsince = "{}"\n'
    assert _load(tmp_path, account.format("2026-12-01")).imap[0].since == "2026-12-01"
    with pytest.raises(ConfigError, match="imap orders: since must be a date"):
        _load(tmp_path, account.format("1.12.2026"))


def test_node_defaults_to_the_host_name():
    assert node_name("") and node_name(" edge-2 ") == "edge-2"
