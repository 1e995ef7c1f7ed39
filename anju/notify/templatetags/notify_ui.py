from typing import Any

from django import template

from anju.notify.models import Message

register = template.Library()


@register.simple_tag
def unread_notifications(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Message.objects.filter(user=user, channel=Message.Channel.IN_APP, read_at=None).count()
