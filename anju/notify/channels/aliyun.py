"""Aliyun SMS (dysmsapi 2017-05-25 ``SendSms``) with the RPC signature, version 1.0.

The request is a GET whose query string carries the common parameters and the
signature: Base64(HMAC-SHA1(secret + "&", "GET&%2F&" + enc(canonical query))), where
the canonical query is the parameters sorted by name, each name and value encoded
(RFC 3986 unreserved characters kept, space as %20) and joined with "=" and "&".

The provider's SMS template (``template_code``) must have one variable, ``${content}``,
which receives the text rendered by Anju's own templates.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings

from anju.notify.channels import DeliveryError
from anju.notify.channels.http import call

# Error codes worth another try later; every other code is a permanent failure.
RETRYABLE = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "ServiceUnavailable",
    "InternalError", "isv.OUT_OF_SERVICE", "isv.AMOUNT_NOT_ENOUGH",
    "SignatureNonceUsed", "isp.SYSTEM_ERROR",
})


def encode(value: str) -> str:
    return quote(value, safe="~")


def string_to_sign(params: dict[str, str], method: str = "GET") -> str:
    canonical = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(params.items()))
    return f"{method}&{encode('/')}&{encode(canonical)}"


def sign(params: dict[str, str], secret: str, method: str = "GET") -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(params, method).encode(),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSMS:
    # The settings this adapter cannot send without: environment variable → key of
    # settings.ANJU_ALIYUN_SMS. Checked at start-up when it is ANJU_SMS_BACKEND (anju/lib/checks.py).
    REQUIRED = {"ANJU_ALIYUN_SMS_ACCESS_KEY_ID": "access_key_id",
                "ANJU_ALIYUN_SMS_ACCESS_KEY_SECRET": "access_key_secret",
                "ANJU_ALIYUN_SMS_SIGN_NAME": "sign_name",
                "ANJU_ALIYUN_SMS_TEMPLATE_CODE": "template_code"}

    def __init__(self, config: dict[str, str] | None = None) -> None:
        self.config = config or settings.ANJU_ALIYUN_SMS

    @classmethod
    def missing_settings(cls) -> list[str]:
        """The required environment variables that are empty."""
        return [name for name, key in cls.REQUIRED.items() if not settings.ANJU_ALIYUN_SMS[key]]

    def request_params(self, *, recipient: str, body: str, now: datetime | None = None,
                       nonce: str | None = None) -> dict[str, str]:
        c = self.config
        params = {
            "AccessKeyId": c["access_key_id"],
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": recipient,
            "RegionId": c["region"],
            "SignName": c["sign_name"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": c["template_code"],
            "TemplateParam": json.dumps({"content": body}, ensure_ascii=False),
            "Timestamp": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = sign(params, c["access_key_secret"])
        return params

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        if not (self.config["access_key_id"] and self.config["access_key_secret"]):
            raise DeliveryError("Aliyun SMS is not configured.", permanent=True)
        params = self.request_params(recipient=recipient, body=body)
        query = "&".join(f"{encode(k)}={encode(v)}" for k, v in params.items())
        answer: Any = call(f"{self.config['endpoint'].rstrip('/')}/?{query}")
        code = str(answer.get("Code", "")) if isinstance(answer, dict) else ""
        if code == "OK":
            return
        message = answer.get("Message", "") if isinstance(answer, dict) else ""
        raise DeliveryError(f"Aliyun SMS {code or 'no code'}: {message}",
                            permanent=code not in RETRYABLE)
