"""The one HTTP call the provider adapters make, with errors mapped to DeliveryError."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from anju.notify.channels import DeliveryError


def call(url: str, *, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> Any:
    """The decoded JSON answer. A provider that cannot be reached or answers 5xx is a
    retryable error; a 4xx answer is returned when it carries JSON (providers put their
    error codes there), else it is permanent."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryError(f"Endpoint {url!r} is not an http(s) URL.", permanent=True)
    # The scheme is checked above: never file: or a custom one (ruff S310, bandit B310).
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    timeout = settings.ANJU_NOTIFY_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310  # nosec B310
            raw = answer.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        if exc.code >= 500:
            raise DeliveryError(f"Provider answered HTTP {exc.code}.") from exc
        try:
            return json.loads(raw)
        except ValueError:
            raise DeliveryError(f"Provider answered HTTP {exc.code}.", permanent=True) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"Provider unreachable: {exc}") from exc
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise DeliveryError("Provider answered something that is not JSON.") from exc
