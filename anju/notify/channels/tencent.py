"""Tencent Cloud SMS (``SendSms``, API version 2021-01-11) signed with TC3-HMAC-SHA256.

Canonical request: method, "/", empty query, the signed headers (content-type, host)
and the hex SHA-256 of the JSON body. The string to sign names the algorithm, the
timestamp, the credential scope (``date/sms/tc3_request``) and the hex SHA-256 of the
canonical request; the key is derived by HMAC-SHA256 chaining "TC3"+secret over the
date, the service and "tc3_request".

The provider's template (``template_id``) must have one parameter, ``{1}``, which
receives the text rendered by Anju's own templates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from anju.notify.channels import DeliveryError
from anju.notify.channels.http import call

SERVICE = "sms"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
# Codes worth another try later (prefix match); every other code is permanent.
RETRYABLE_PREFIXES = ("InternalError", "RequestLimitExceeded", "LimitExceeded",
                      "FailedOperation.InsufficientBalanceInSmsPackage", "ResourceUnavailable")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signature(*, secret_key: str, host: str, payload: bytes, timestamp: int) -> tuple[str, str]:
    """(credential scope, hex signature) for one request."""
    canonical = "\n".join([
        "POST", "/", "", f"content-type:{CONTENT_TYPE}\nhost:{host}\n", "content-type;host",
        hashlib.sha256(payload).hexdigest()])
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{SERVICE}/tc3_request"
    to_sign = "\n".join([ALGORITHM, str(timestamp), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), SERVICE), "tc3_request")
    return scope, hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _retryable(code: str) -> bool:
    return code.startswith(RETRYABLE_PREFIXES)


class TencentSMS:
    # The settings this adapter cannot send without: environment variable → key of
    # settings.ANJU_TENCENT_SMS. Checked at start-up when it is ANJU_SMS_BACKEND (anju/lib/checks.py).
    REQUIRED = {"ANJU_TENCENT_SMS_SECRET_ID": "secret_id",
                "ANJU_TENCENT_SMS_SECRET_KEY": "secret_key",
                "ANJU_TENCENT_SMS_SDK_APP_ID": "sdk_app_id",
                "ANJU_TENCENT_SMS_SIGN_NAME": "sign_name",
                "ANJU_TENCENT_SMS_TEMPLATE_ID": "template_id"}

    def __init__(self, config: dict[str, str] | None = None) -> None:
        self.config = config or settings.ANJU_TENCENT_SMS

    @classmethod
    def missing_settings(cls) -> list[str]:
        """The required environment variables that are empty."""
        return [name for name, key in cls.REQUIRED.items() if not settings.ANJU_TENCENT_SMS[key]]

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        c = self.config
        if not (c["secret_id"] and c["secret_key"]):
            raise DeliveryError("Tencent Cloud SMS is not configured.", permanent=True)
        number = recipient if recipient.startswith("+") else f"+86{recipient}"
        payload = json.dumps({
            "PhoneNumberSet": [number], "SmsSdkAppId": c["sdk_app_id"], "SignName": c["sign_name"],
            "TemplateId": c["template_id"], "TemplateParamSet": [body],
        }, ensure_ascii=False).encode()
        host = urlsplit(c["endpoint"]).netloc
        timestamp = int(time.time())
        scope, sig = signature(secret_key=c["secret_key"], host=host, payload=payload,
                               timestamp=timestamp)
        headers = {
            "Content-Type": CONTENT_TYPE, "Host": host, "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11", "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": c["region"],
            "Authorization": (f"{ALGORITHM} Credential={c['secret_id']}/{scope}, "
                              f"SignedHeaders=content-type;host, Signature={sig}"),
        }
        answer: Any = call(c["endpoint"], method="POST", body=payload, headers=headers)
        response = answer.get("Response", {}) if isinstance(answer, dict) else {}
        error = response.get("Error")
        if error:
            code = str(error.get("Code", ""))
            raise DeliveryError(f"Tencent SMS {code}: {error.get('Message', '')}",
                                permanent=not _retryable(code))
        statuses = response.get("SendStatusSet") or []
        if not statuses:
            raise DeliveryError("Tencent SMS answered without a send status.")
        code = str(statuses[0].get("Code", ""))
        if code != "Ok":
            raise DeliveryError(f"Tencent SMS {code}: {statuses[0].get('Message', '')}",
                                permanent=not _retryable(code))
