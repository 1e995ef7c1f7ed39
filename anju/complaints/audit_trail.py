"""Every complaint change is written to the audit log by the change itself, in its
transaction (a hook of ``complaints.hooks``, called by every service path, set-based
ones included) — not by a ``post_save`` receiver, which ``bulk_create`` and
``update()`` would bypass.

The audit log is a layer below the complaints, so the core registers this hook itself
(``ComplaintsConfig.ready``) under the name it always had, ``audit.log``.
"""

from __future__ import annotations

from collections.abc import Sequence

from anju.audit.log import Entry, record_many
from anju.complaints import hooks


@hooks.after_events("audit.log", order=200)  # late: appends wait on the chain's head until commit
def log_changes(changes: Sequence[hooks.Change]) -> None:
    record_many([Entry(change.event.action, actor=change.event.actor, target=change.complaint,
                       data={"number": change.complaint.number, "from": change.event.from_status,
                             "to": change.event.to_status, "event": change.event.pk})
                 for change in changes])
