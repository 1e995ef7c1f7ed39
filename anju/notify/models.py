"""The outbox: every outgoing message, written in the transaction that caused it.

The worker delivers pending rows (``anju.notify.delivery``); a row is the queue entry,
the delivery log and the record shown on the complaint's trail at once.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.privacy.fields import EncryptedCharField
from anju.privacy.masks import masked_contact


class Message(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        IN_APP = "in_app", _("In-app")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # A phone number or an e-mail address: encrypted at rest (anju.privacy).
    recipient = EncryptedCharField(_("recipient"), max_length=200)
    kind = models.CharField(_("kind"), max_length=60, help_text="e.g. complaint.received, otp")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="messages")
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="message_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {masked_contact(self.recipient)}"
