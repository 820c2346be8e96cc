"""A real SMTP server on loopback for the mail tests (aiosmtpd), with a script of
answers: the messages it accepted, parsed, and the refusals it is told to give."""

from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.processes import free_port

HOST = "127.0.0.1"


@dataclass
class Handler:
    """Accepts every message, unless ``refuse`` holds answers to give first (one per
    recipient, e.g. "451 4.3.0 Try again later"); ``bounce`` refuses those addresses
    for good (550)."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    bounce: set[str] = field(default_factory=set)
    lock: threading.Condition = field(default_factory=threading.Condition)  # notified per mail

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.bounce:
            return "550 5.1.1 No such user here"
        with self.lock:
            if self.refuse:
                return self.refuse.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(message)
            self.lock.notify_all()
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port(HOST)
        self.controller = Controller(self.handler, hostname=HOST, port=self.port)

    @property
    def received(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.received)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """The mails received, once there are ``count`` of them (or after ``timeout``)."""
        with self.handler.lock:
            self.handler.lock.wait_for(lambda: len(self.handler.received) >= count, timeout)
            return list(self.handler.received)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a multipart/alternative message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html
