from __future__ import annotations

from typing import Any

from django import template

from anju.visits import selectors

register = template.Library()


@register.filter
def may_visit(user: Any) -> bool:
    return selectors.may_visit(user)
