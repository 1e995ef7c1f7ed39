"""The outbox: every outgoing message, written in the transaction that caused it.

The worker delivers pending rows (``anju.notify.delivery``); a row is the queue entry,
the delivery log and the record shown on the complaint's trail at once.
"""

from __future__ import annotations

from django.conf import settings
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
        WECOM = "wecom", _("WeCom group robot")

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
    # In-app messages: whose bell they ring, and when they were read.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name="notifications", verbose_name=_("user"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False,
                                 help_text=_("Urgent messages are sent during quiet hours too."))
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

    @property
    def masked_recipient(self) -> str:
        if self.channel == self.Channel.IN_APP:
            return str(self.user or "")
        if self.channel == self.Channel.WECOM:
            return "WeCom"
        return masked_contact(self.recipient)


class Attempt(models.Model):
    """One try at delivering a message: the delivery log."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    ok = models.BooleanField(_("delivered"), default=False)
    permanent = models.BooleanField(_("permanent failure"), default=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["message", "number"]

    def __str__(self) -> str:
        return f"#{self.number} {'ok' if self.ok else 'failed'}"


class Language(models.TextChoices):
    ZH = "zh-hans", "简体中文"
    EN = "en", "English"


class MessageTemplate(models.Model):
    """The text of one message, per event, channel and language; edited in the admin.

    Variables are written ``{number}``; see anju.notify.templating for the safe renderer.
    A message with no row here uses the default text shipped in anju.notify.defaults.
    """

    event = models.CharField(_("message event"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=Message.Channel.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices,
                                default=Language.ZH)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "channel", "language"]
        constraints = [models.UniqueConstraint(fields=["event", "channel", "language"],
                                               name="message_template_unique")]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel} / {self.language}"


class ContactPreference(models.Model):
    """How a resident wants to be told: channel, language, or not at all (opt-out).

    Sign-in codes are sent whatever this says.
    """

    class Via(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        IN_APP = "in_app", _("In-app (portal)")

    resident = models.OneToOneField("estates.Resident", on_delete=models.CASCADE,
                                    related_name="contact_preference", verbose_name=_("resident"))
    channel = models.CharField(_("preferred channel"), max_length=10, choices=Via.choices,
                               default=Via.SMS)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices,
                                default=Language.ZH)
    email = EncryptedCharField(_("e-mail"), max_length=200, blank=True)
    opted_out = models.BooleanField(_("no notifications"), default=False,
                                    help_text=_("Send no progress messages at all."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return f"{self.channel}{' (opted out)' if self.opted_out else ''}"
