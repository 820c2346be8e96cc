"""Reading the account mails that reached the test SMTP server (the ``smtp`` fixture)."""

from __future__ import annotations

import re
from email.message import EmailMessage

BASE = "http://kwartet.test"  # the PUBLIC_URL the smtp fixture sets


def only_mail_to(smtp, address: str) -> EmailMessage:
    mails = [mail for mail in smtp.received if mail["To"] == address]
    assert len(mails) == 1, [mail["To"] for mail in smtp.received]
    return mails[0]


def link_in(mail: EmailMessage) -> str:
    """The one link of a plain-text mail, as a path on this site (it must be on BASE)."""
    text = mail.get_body(preferencelist=("plain",)).get_content()
    found = re.findall(r"https?://\S+", text)
    assert len(found) == 1, found
    assert found[0].startswith(BASE + "/"), found[0]
    return found[0][len(BASE) :]
