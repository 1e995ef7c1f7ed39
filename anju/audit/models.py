"""The audit trail: append-only entries, each chained to the one before by its hash.

Entries are never changed or removed: the model and its queryset refuse it, and database
triggers (migration 0002, ``anju.audit.triggers``) refuse UPDATE and DELETE from any
client. ``ChainHead`` is a single row holding the last link; every append locks it, so
concurrent writers take sequence numbers one at a time (``anju.audit.log.record``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.audit.chain import GENESIS


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit entry through the ORM."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Write audit entries with anju.audit.log.record, which chains them.")

    def _append_chained(self, entries: list[Any]) -> Any:
        """Insert entries already chained under the locked head: ``log.record_many`` only."""
        return super().bulk_create(entries, batch_size=1000)


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("time"), db_index=True, editable=False)
    # No database constraint and no cascade: deleting a user must neither touch the log
    # nor be blocked by it. ``actor_label`` keeps who it was.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                              db_constraint=False, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    actor_label = models.CharField(_("by (user name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True,
                              help_text="Dotted code, e.g. auth.login or complaint.assign")
    target_type = models.CharField(_("target type"), max_length=60, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, unpack_ipv4=True)
    # Ids, codes and field names only: never names, phone numbers or other personal data.
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_id", "target_type"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")


class ChainHead(models.Model):
    """The last link of the chain (one row, id 1); updated with every append."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"
