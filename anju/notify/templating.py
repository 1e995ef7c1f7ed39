"""Message texts: admin-edited templates with shipped defaults, rendered safely.

A template names variables in braces, ``{number}``. Rendering replaces a known name with
its value and leaves anything else exactly as written: there is no attribute access, no
indexing, no format spec, no expression — a template edited in the admin can read nothing
but the values it is handed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from anju.complaints.events import Event
from anju.lib.refcache import SnapshotCache
from anju.notify.models import Language, Message, MessageTemplate

VARIABLE = re.compile(r"\{([a-z_]{1,40})\}")

# Variables every complaint message may use (the admin's help text lists them).
VARIABLES = ("number", "category", "plan", "handler", "department", "deadline", "link", "reason",
             "advice", "result", "note", "estate", "rate_link")


def render(text: str, params: Mapping[str, object]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(params[name]) if name in params else match.group(0)

    return VARIABLE.sub(value, text)


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


# The shipped texts: (event, language) → (subject, body). SMS, e-mail and in-app share
# them unless the admin adds a channel-specific template.
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (Event.RECEIVED, Language.ZH): (
        "投诉已受理：{number}",
        "【安居】您的投诉已受理，编号 {number}。我们将先核实情况，再告知您处理方案和预计完成时间。"
        "查看进度：{link}"),
    (Event.RECEIVED, Language.EN): (
        "Complaint received: {number}",
        "[Anju] Your complaint {number} has been received. We will verify it, then tell you the "
        "handling plan and when to expect it done. Progress: {link}"),
    (Event.REFER_OUT, Language.ZH): (
        "投诉 {number} 不属于物业服务范围",
        "【安居】您的投诉 {number} 不属于物业服务范围：{reason}。建议您联系：{advice}"),
    (Event.REFER_OUT, Language.EN): (
        "Complaint {number} is outside property services",
        "[Anju] Complaint {number} is outside property services: {reason}. "
        "Please contact instead: {advice}"),
    (Event.ASSIGN, Language.ZH): (
        "投诉 {number} 已派单",
        "【安居】您的投诉 {number}（{category}）已交由{department}{handler}处理。处理方案：{plan}。"
        "预计完成时间：{deadline}。进度：{link}"),
    (Event.ASSIGN, Language.EN): (
        "Complaint {number} has been dispatched",
        "[Anju] Complaint {number} ({category}) is handled by {department} {handler}. "
        "Plan: {plan}. Expected done: {deadline}. Progress: {link}"),
    (Event.HOLD, Language.ZH): (
        "投诉 {number} 暂停处理",
        "【安居】您的投诉 {number} 暂停处理，原因：{note}。条件具备后我们会继续并通知您。"),
    (Event.HOLD, Language.EN): (
        "Complaint {number} is on hold",
        "[Anju] Complaint {number} is on hold: {note}. We will continue and tell you as soon as "
        "we can."),
    (Event.RESOLVE, Language.ZH): (
        "投诉 {number} 已处理完毕",
        "【安居】您的投诉 {number} 已处理完毕：{result}。请为我们的服务评价：{rate_link}"),
    (Event.RESOLVE, Language.EN): (
        "Complaint {number} has been resolved",
        "[Anju] Complaint {number} has been resolved: {result}. Please rate our service: "
        "{rate_link}"),
    (Event.REOPEN, Language.ZH): (
        "投诉 {number} 已重新处理",
        "【安居】您的投诉 {number} 已重新打开处理：{note}。进度：{link}"),
    (Event.REOPEN, Language.EN): (
        "Complaint {number} has been reopened",
        "[Anju] Complaint {number} has been reopened: {note}. Progress: {link}"),
    (Event.RATE_REOPEN, Language.ZH): (
        "投诉 {number} 已重新处理",
        "【安居】很抱歉未能让您满意。投诉 {number} 已重新打开，主管将跟进处理。进度：{link}"),
    (Event.RATE_REOPEN, Language.EN): (
        "Complaint {number} has been reopened",
        "[Anju] We are sorry we did not satisfy you. Complaint {number} has been reopened and a "
        "supervisor is following it up. Progress: {link}"),
    ("staff.delivery_failed", Language.ZH): (
        "消息发送失败",
        "**消息发送失败**\n投诉：{number}\n渠道：{channel}\n原因：{note}\n请人工联系投诉人。"),
    ("staff.delivery_failed", Language.EN): (
        "Message delivery failed",
        "**Message delivery failed**\nComplaint: {number}\nChannel: {channel}\nError: {note}\n"
        "Please contact the complainant yourself."),
    ("staff.urgent", Language.ZH): (
        "紧急投诉 {number}",
        "**紧急投诉 {number}**\n小区：{estate}\n类别：{category}\n处理期限：{deadline}\n{link}"),
    ("staff.urgent", Language.EN): (
        "Urgent complaint {number}",
        "**Urgent complaint {number}**\nEstate: {estate}\nCategory: {category}\n"
        "Due: {deadline}\n{link}"),
}



def register_default(event: str, *, zh: tuple[str, str], en: tuple[str, str]) -> None:
    """Ship default (subject, body) texts for another module's event (e.g. return visits).

    Call at import time (an AppConfig.ready); the admin's templates still take precedence.
    """
    DEFAULTS[(event, Language.ZH)] = zh
    DEFAULTS[(event, Language.EN)] = en


def events() -> list[str]:
    """Every event with shipped texts (the admin's choices for a template)."""
    return sorted({event for event, _language in DEFAULTS})


def _load_admin_texts() -> dict[tuple[str, str, str], Text]:
    return {(row.event, row.channel, row.language): Text(row.subject, row.body)
            for row in MessageTemplate.objects.all()}


# The admin's templates, read whole and kept per process (anju/lib/refcache.py): a message
# is queued on most transitions, and the table is a few dozen rows at most.
_admin_texts = SnapshotCache(_load_admin_texts, "notify.MessageTemplate")


def text_for(event: str, channel: str, language: str) -> Text | None:
    """The admin's template for this event, channel and language, else the shipped text.

    Falls back from a channel-specific row to any row of the event in that language, then
    to the default in that language, then to Chinese.
    """
    rows = _admin_texts.get()
    for key in ((event, channel, language), (event, Message.Channel.SMS, language)):
        if key in rows:
            return rows[key]
    for lang in (language, Language.ZH):
        if (event, lang) in DEFAULTS:
            return Text(*DEFAULTS[(event, lang)])
    return None
