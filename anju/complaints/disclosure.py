"""A complainant's personal data as one reader may see it, and the logged reveal.

Who sees what is decided in ``anju.complaints.access`` (``contact_hidden``,
``sees_contact_in_full``, ``may_reveal_contact``); this module applies it. Every
interface that shows a complainant — the console page, the API, the admin — builds a
``ContactView`` here, so the masks and the reveal are the same everywhere.

A reveal is an explicit action with a reason from ``RevealReason`` (and a note for
"other"); it writes ``pii.reveal`` to the audit log with the fields revealed, and shows
the data for that one response only: the next page view is masked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from anju.audit.log import record, scrub
from anju.complaints import access
from anju.complaints.models import Complaint
from anju.lib.errors import InvalidInput, NotAllowed
from anju.privacy.masks import masked_contact, masked_name

NOTE_LIMIT = 200


class RevealReason(models.TextChoices):
    CALLBACK = "callback", _("Call the complainant back")
    RETURN_VISIT = "return_visit", _("Return visit")
    SITE_VISIT = "site_visit", _("Arrange a visit on site")
    VERIFY = "verify", _("Verify the complainant's identity")
    OTHER = "other", _("Other (say why)")


@dataclass(frozen=True)
class ContactView:
    hidden: bool
    name: str = ""
    phone: str = ""
    email: str = ""
    masked: bool = False
    is_resident: bool = False
    can_reveal: bool = False
    revealed: bool = False  # shown in full by a logged reveal

    @property
    def empty(self) -> bool:
        return not (self.name or self.phone or self.email)


def _fields(complaint: Complaint) -> tuple[str, str, str]:
    return complaint.complainant_name, complaint.complainant_phone, complaint.contact_email


def contact_view(user: Any, complaint: Complaint, *, revealed: bool = False) -> ContactView:
    """What ``user`` (who may see ``complaint``) is shown of its complainant."""
    if access.contact_hidden(user, complaint):
        return ContactView(hidden=True)
    name, phone, email = _fields(complaint)
    is_resident = complaint.resident_id is not None
    if revealed or access.sees_contact_in_full(user, complaint):
        return ContactView(hidden=False, name=name, phone=phone, email=email,
                           is_resident=is_resident, revealed=revealed)
    masked = masked_name(name), masked_contact(phone) if phone else "", \
        masked_contact(email) if email else ""
    return ContactView(hidden=False, name=masked[0], phone=masked[1], email=masked[2],
                       masked=bool(name or phone or email), is_resident=is_resident,
                       can_reveal=access.may_reveal_contact(user, complaint))


def reveal(user: Any, complaint: Complaint, *, reason: str, note: str = "",
           request: HttpRequest | None = None) -> ContactView:
    """Show ``complaint``'s complainant in full to ``user``, logged with the reason.

    Raises NotAllowed when the user may not reveal it, InvalidInput for a missing reason.
    """
    if access.contact_hidden(user, complaint) or not access.may_reveal_contact(user, complaint):
        raise NotAllowed()
    if reason not in RevealReason.values:
        raise InvalidInput(_("Choose why you need the contact details."),
                           errors={"reason": [reason or "required"]})
    # The note goes to the permanent log: a mobile number typed into it is masked.
    note = scrub(" ".join((note or "").split())[:NOTE_LIMIT])
    if reason == RevealReason.OTHER and not note:
        raise InvalidInput(_("Say why you need the contact details."), errors={"note": ["required"]})
    name, phone, email = _fields(complaint)
    shown = [field for field, value in (("name", name), ("phone", phone), ("email", email)) if value]
    with transaction.atomic():
        record("pii.reveal", actor=user, target=complaint, request=request,
               data={"fields": shown, "reason": reason, "note": note, "number": complaint.number})
    return contact_view(user, complaint, revealed=True)
