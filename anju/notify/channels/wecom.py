"""WeCom (企业微信) group robot: staff alerts posted as markdown to the group's webhook."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from anju.notify.channels import DeliveryError
from anju.notify.channels.http import call

# -1 system busy, 45009 the robot's rate limit (20 a minute): try again later.
RETRYABLE = frozenset({-1, 45009})


class WeComRobot:
    def __init__(self, url: str | None = None) -> None:
        self.url = url if url is not None else settings.ANJU_WECOM_WEBHOOK_URL

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        if not self.url:
            raise DeliveryError("No WeCom webhook is configured.", permanent=True)
        payload = json.dumps({"msgtype": "markdown", "markdown": {"content": body[:4000]}},
                             ensure_ascii=False).encode()
        answer: Any = call(self.url, method="POST", body=payload,
                           headers={"Content-Type": "application/json; charset=utf-8"})
        code = answer.get("errcode") if isinstance(answer, dict) else None
        if code == 0:
            return
        reason = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        raise DeliveryError(f"WeCom robot error {code}: {reason}", permanent=code not in RETRYABLE)
