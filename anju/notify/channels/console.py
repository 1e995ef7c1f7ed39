"""Local backends: write messages to the server log, so the product works offline."""

from __future__ import annotations

import logging

logger = logging.getLogger("anju.sms")


class ConsoleSMS:
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        logger.info("SMS to %s: %s", recipient, body)


class InApp:
    """In-app messages are read from the outbox itself; delivering means marking them."""

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        return None
