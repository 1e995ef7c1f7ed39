"""E-mail through Django's configured e-mail backend (SMTP in production)."""

from __future__ import annotations

from django.core.mail import send_mail

from anju.notify.channels import DeliveryError


class Email:
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        try:
            send_mail(subject or body[:40], body, None, [recipient])
        except OSError as exc:
            raise DeliveryError(str(exc)) from exc
