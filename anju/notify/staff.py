"""Staff alerts that follow complaint changes (run by the worker after the commit).

* an urgent complaint → the WeCom group robot (when a webhook is configured);
* a complaint dispatched to a handler → that handler's bell in the console.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from anju.complaints.followups import followup
from anju.complaints.models import Complaint, Urgency
from anju.notify.models import Message
from anju.notify.services import alert_staff, notify_user
from anju.notify.templating import render


@followup("received", "classify", "verify")
def alert_urgent(complaint_id: int, action: str) -> None:
    complaint = Complaint.objects.select_related("estate", "category").filter(pk=complaint_id).first()
    if complaint is None or complaint.urgency != Urgency.URGENT:
        return
    if Message.objects.filter(complaint=complaint, kind="staff.urgent").exists():
        return  # once per complaint
    alert_staff("staff.urgent", complaint=complaint)


@followup("assign", "reassign")
def tell_handler(complaint_id: int, action: str) -> None:
    complaint = Complaint.objects.select_related("handler").filter(pk=complaint_id).first()
    if complaint is None or complaint.handler is None:
        return
    with translation.override("zh-hans"):
        body = render(_("Complaint {number} has been dispatched to you. Plan: {plan}"),
                      {"number": complaint.number, "plan": complaint.plan or "—"})
    notify_user(complaint.handler, kind="staff.assigned", subject=complaint.number, body=body,
                complaint=complaint)
