"""A valid request body for every action on every interface.

Bodies are valid for an actor who may take the action, so that a refusal can only come
from the access policy, never from a missing field.
"""

from __future__ import annotations

from typing import Any

from tests.access_matrix.cast import Cast
from tests.access_matrix.policy import MERGE_INTO_STATUS

# The meaning of each action's input; each interface spells it its own way below.
TEXT = {
    "verify": "核实属实，属于物业服务范围", "refer_out": "属于开发商保修范围",
    "plan": "今天下午上门查看", "hold": "等待配件到货", "resolve": "已更换水管接头",
    "reopen": "又开始漏水了", "withdraw": "已自行解决", "escalate": "超时未处理，请加快",
    "note": "补充：楼上也有积水", "contact": "已电话告知处理进度", "comment": "还是漏水",
    "unreachable": "三次电话未接通",
}
ADVICE = "请联系开发商客服"


def _handler_id(cast: Cast, kind: str) -> int | None:
    if kind == "confidential":  # no handler can open it: dispatched to the department only
        return None
    return cast.users["handler_b" if cast.targets[kind].estate == "b" else "handler"].pk


def console_form(cast: Cast, kind: str, action: str) -> tuple[str, dict[str, Any]]:
    """(the form's slug in /console/c/<n>/act/<slug>/, the posted fields without version)."""
    repair = cast.categories["repair"].pk
    dispatch = {"department": cast.departments["engineering"].pk,
                "handler": _handler_id(cast, kind) or "", "plan": TEXT["plan"], "category": repair,
                "urgency": "normal"}
    forms: dict[str, tuple[str, dict[str, Any]]] = {
        "verify": ("verify", {"note": TEXT["verify"], "category": repair, "urgency": "normal"}),
        "refer_out": ("refer_out", {"reason": TEXT["refer_out"], "advice": ADVICE}),
        "assign": ("assign", dispatch),
        "reassign": ("reassign", dispatch),
        "accept": ("accept", {"note": ""}),
        "hold": ("hold", {"reason": TEXT["hold"]}),
        "resume": ("resume", {"note": ""}),
        "resolve": ("resolve", {"result": TEXT["resolve"], "root_cause": ""}),
        # rate, rate_reopen, close_unreachable: the call screen (test_visits.py).
        "reopen": ("reopen", {"reason": TEXT["reopen"]}),
        "withdraw": ("withdraw", {"reason": TEXT["withdraw"]}),
        "merge": ("merge", {"into_number": merge_into(cast, kind)}),
        "escalate": ("escalate", {"reason": TEXT["escalate"]}),
        "note": ("note", {"note": TEXT["note"]}),
        "contact": ("contact", {"note": TEXT["contact"]}),
        "classify": ("classify", {"category": repair, "urgency": "high", "note": ""}),
    }
    return forms[action]


def api_body(cast: Cast, kind: str, action: str) -> dict[str, Any]:
    """The JSON body of POST /complaints/<n>/actions/<action> (without version)."""
    dispatch = {"department": "engineering", "handler": _handler_id(cast, kind),
                "plan": TEXT["plan"], "category": "repair", "urgency": "normal"}
    bodies: dict[str, dict[str, Any]] = {
        "verify": {"note": TEXT["verify"], "category": "repair", "urgency": "normal"},
        "refer_out": {"reason": TEXT["refer_out"], "advice": ADVICE},
        "assign": dispatch, "reassign": dispatch,
        "accept": {}, "hold": {"reason": TEXT["hold"]}, "resume": {},
        "resolve": {"result": TEXT["resolve"]},
        "rate": {"satisfaction": 5, "solved": True},
        "rate_reopen": {"satisfaction": 1, "solved": False, "comment": TEXT["comment"]},
        "close_unreachable": {"note": TEXT["unreachable"]},
        "reopen": {"reason": TEXT["reopen"]}, "withdraw": {"reason": TEXT["withdraw"]},
        "merge": {"into_number": merge_into(cast, kind)},
        "escalate": {"reason": TEXT["escalate"]},
        "note": {"note": TEXT["note"]}, "contact": {"note": TEXT["contact"]},
        "classify": {"urgency": "high"},
    }
    return bodies[action]


def portal_form(action: str) -> dict[str, Any]:
    """The fields of the portal's rate, more-information and withdraw pages."""
    return {
        "rate": {"satisfaction": 5, "solved": "yes"},
        "rate_reopen": {"satisfaction": 1, "solved": "no", "comment": TEXT["comment"]},
        "note": {"note": TEXT["note"]},
        "withdraw": {"reason": TEXT["withdraw"]},
    }[action]


def merge_into(cast: Cast, kind: str) -> str:
    if kind not in cast.targets:
        return cast.complaint("own", MERGE_INTO_STATUS).number
    return cast.complaint(kind, MERGE_INTO_STATUS).number
