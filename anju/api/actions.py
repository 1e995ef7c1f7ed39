"""The body of POST /complaints/{number}/actions/{action}, read through the transition table.

Each action's row in ``anju.complaints.transitions`` lists its inputs (name, kind,
required, limits) and names its service (``@performs``). Here those inputs become the
action's body fields: a field the action does not take is refused rather than silently
dropped, a required one must be given, each text keeps the action's own limit, and codes
and ids become the objects the service takes. ``ActionIn`` (``anju.api.schemas``) is the
union of every action's fields, built from the same table for the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.accounts.models import User
from anju.api.schemas import ActionIn, api_type
from anju.complaints import transitions
from anju.complaints.models import RatingSource
from anju.complaints.transitions import TABLE, Input, Kind, Transition
from anju.lib.errors import InvalidInput
from anju.staff.models import Department


def inputs(transition: Transition) -> tuple[Input, ...]:
    """The inputs of an action that the API takes (files are uploaded apart)."""
    return tuple(spec for spec in transition.inputs if api_type(spec) is not None)


# Which body fields each action takes: derived, for the documentation and the tests.
FIELDS: dict[str, tuple[str, ...]] = {
    action: tuple(spec.name for spec in inputs(t)) for action, t in TABLE.items()}


def describe() -> str:
    """The actions and their body fields, for the operation's description (OpenAPI)."""
    rows = []
    for action, transition in TABLE.items():
        fields = ", ".join(f"`{s.name}`{'*' if s.required else ''}" for s in inputs(transition))
        rows.append(f"- `{action}`: {fields or 'no fields'}")
    return "\n".join(rows)


def arguments(action: str, payload: ActionIn | None) -> dict[str, Any]:
    """Keyword arguments for the service of ``action``, or InvalidInput."""
    transition = transitions.get(action)  # unknown_action
    specs = inputs(transition)
    payload = payload or ActionIn.model_validate({})
    unused = sorted(payload.model_fields_set - {s.name for s in specs} - {"version"})
    if unused:
        raise InvalidInput(_("The action “%(action)s” does not use these fields."),
                           errors={name: ["unused"] for name in unused}, action=action)
    _check(specs, payload)
    kwargs: dict[str, Any] = {"version": payload.version}
    for spec in specs:
        kwargs[spec.keyword] = _value(spec, getattr(payload, spec.name))
    if transition.records_source:
        kwargs["source"] = RatingSource.API
    return kwargs


def service(action: str) -> Callable[..., Any]:
    return transitions.service(action)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check(specs: tuple[Input, ...], payload: Any) -> None:
    """Required inputs given, texts within the action's own limit (the schema allows the
    loosest limit of any action)."""
    missing = [s for s in specs if s.required and _blank(getattr(payload, s.name))]
    if missing:
        raise InvalidInput(_("Please fill in: %(field)s."),
                           errors={s.name: ["required"] for s in missing},
                           field=", ".join(str(s.label) for s in missing))
    for spec in specs:
        value = getattr(payload, spec.name)
        if spec.max_length and isinstance(value, str) and len(value) > spec.max_length:
            raise InvalidInput(_("“%(field)s” is too long (at most %(limit)s characters)."),
                               errors={spec.name: ["length"]}, field=spec.label,
                               limit=spec.max_length)


def _value(spec: Input, value: Any) -> Any:
    """A body value as the service takes it."""
    kind = spec.kind
    if kind in (Kind.TEXT, Kind.LINE):
        # Optional texts go to the service empty.
        return "" if value is None else str(value)
    if kind == Kind.NUMBER:
        return "" if value is None else str(value).strip().upper()
    if kind in (Kind.CHOICE, Kind.URGENCY):
        if value is None:
            return "" if kind == Kind.CHOICE else None
        return str(value.value if hasattr(value, "value") else value)
    if kind == Kind.REASONS:
        return [str(getattr(r, "value", r)) for r in value or ()]
    if kind == Kind.DEPARTMENT:
        return _department(value)
    if kind == Kind.HANDLER:
        return _handler(value)
    return value  # INT, BOOL, CATEGORY (a code the service looks up)


def _department(code: str | None) -> Department | None:
    if code is None:
        return None
    found = Department.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise InvalidInput(_("Unknown department “%(value)s”."), errors={"department": [code]},
                           value=code)
    return found


def _handler(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = User.objects.select_related("staff").filter(pk=user_id, is_active=True).first()
    if found is None:
        raise InvalidInput(_("Unknown handler %(value)s."), errors={"handler": [str(user_id)]},
                           value=user_id)
    return found
