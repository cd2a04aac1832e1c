"""The local maildir transport writes into a folder the daemon (or a person) already made."""
from __future__ import annotations

import mailbox
from email.message import EmailMessage

from connectors.maildir import MaildirTransport


def test_a_bare_existing_folder_becomes_a_maildir(tmp_path):
    """`orderdesk run` makes var/maildir at start; the first mail still lands in new/."""
    folder = tmp_path / "maildir"
    folder.mkdir()
    msg = EmailMessage()
    msg["Message-ID"] = "<orderdesk.confirm.1.0@localhost>"
    msg["Subject"] = "Order confirmation"
    msg.set_content("Thank you for your order.")
    MaildirTransport(folder).send(msg, ["buyer@example.com"])
    assert len(list((folder / "new").iterdir())) == 1
    [stored] = list(mailbox.Maildir(str(folder), create=False))
    assert stored["X-Orderdesk-Rcpt"] == "buyer@example.com"
