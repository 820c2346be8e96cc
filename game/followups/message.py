"""One mail of the follow-ups as it leaves: plain text and HTML, and the headers every
mail carries (RFC 8058's one-click stop, ``Auto-Submitted``, the language)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def mail_message(
    *,
    subject: str,
    text: str,
    html: str,
    to: str,
    stop_url: str,
    language: str,
    reply_to: str = "",
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def first_name(name: str) -> str:
    """How a mail names a player to someone else (a helper, a learning circle)."""
    return (name.split() or ["?"])[0]
