"""E-mail through Django's configured e-mail backend (SMTP: ANJU_EMAIL_* settings)."""

from __future__ import annotations

import smtplib

from django.core.mail import send_mail

from anju.notify.channels import DeliveryError


class Email:
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        try:
            send_mail(subject or body[:40], body, None, [recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"Recipient refused: {exc.recipients}", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx answers are final; 4xx (greylisting, mailbox busy) are worth a retry.
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                permanent=exc.smtp_code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(str(exc)) from exc
