"""Local backends: write messages to the server log, so the product works offline."""

from __future__ import annotations

import logging

from anju.privacy.masks import masked_contact

logger = logging.getLogger("anju.sms")


class ConsoleSMS:
    """Logs the text (the demo reads sign-in codes there) but never the full number."""

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        logger.info("SMS to %s: %s", masked_contact(recipient), body)


class InApp:
    """In-app messages are read from the outbox itself; delivering means marking them."""

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        return None
