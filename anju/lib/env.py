"""Typed readers for environment variables that fail loudly.

Settings call these once at start-up. A value that cannot be parsed raises
``ImproperlyConfigured`` naming the variable and what was expected, so a typo in a
deployment stops the process instead of running with a silent default.

Every value is parsed here, into the type the code uses (a time range, a ``Rate``, a
list of networks, …); no module re-parses a settings string later. What can only be
checked with Django loaded (that a dotted path imports) is checked by the system check
in ``anju/lib/checks.py``. This is the only module that reads ``os.environ`` (besides
``anju/__main__.py`` and ``anju/wsgi.py`` naming the settings module).

Each ``env_*`` reader has a ``parse_*`` twin taking the raw text, for tests and for
values that do not come from the environment.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no."
    )


def env_int(name: str, default: int, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is not a whole number."
        ) from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={value} must be >= {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"Environment variable {name}={value} must be <= {maximum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL (``sqlite:///path`` or ``postgres://user@host/db``)."""
    import dj_database_url

    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is not a database URL: {exc}") from None
    engine = config.get("ENGINE", "")
    if not engine.endswith(("sqlite3", "postgresql")):
        raise ImproperlyConfigured(
            f"Environment variable {name} names {engine!r}; Anju supports sqlite and postgres URLs."
        )
    return dict(config)


def _bad(name: str, raw: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name}={raw!r} {expected}")


def env_choice(name: str, default: str, choices: Iterable[str], *,
               case_sensitive: bool = True) -> str:
    """One of ``choices``; without ``case_sensitive`` the choice as spelled in ``choices``."""
    raw = os.environ.get(name)
    return default if raw is None else parse_choice(name, raw, choices, case_sensitive=case_sensitive)


def parse_choice(name: str, raw: str, choices: Iterable[str], *, case_sensitive: bool = True) -> str:
    options = list(choices)
    text = raw.strip()
    for option in options:
        if text == option or (not case_sensitive and text.lower() == option.lower()):
            return option
    raise _bad(name, raw, "is not allowed; use one of " + ", ".join(repr(o) for o in options) + ".")


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def env_time_range(name: str, default: str) -> tuple[time, time] | None:
    """``"21:00-08:00"`` → ``(time(21), time(8))`` (local time, may wrap past midnight);
    empty → None (no window)."""
    raw = os.environ.get(name)
    return parse_time_range(name, default if raw is None else raw)


def parse_time_range(name: str, raw: str) -> tuple[time, time] | None:
    text = raw.strip()
    if not text:
        return None
    start, sep, end = text.partition("-")
    expected = ("is not a time range; write HH:MM-HH:MM in 24-hour local time, "
                "for example 21:00-08:00, or leave it empty for none.")
    times = []
    for part in (start, end):
        match = _CLOCK.fullmatch(part.strip())
        if not sep or match is None:
            raise _bad(name, raw, expected)
        hour, minute, second = (int(g) if g else 0 for g in match.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise _bad(name, raw, expected)
        times.append(time(hour, minute, second))
    if times[0] == times[1]:
        raise _bad(name, raw, "starts and ends at the same time; leave it empty for none.")
    return times[0], times[1]


_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def env_dotted_path(name: str, default: str) -> str:
    """A dotted path ``package.module.Name``. Checked here: its form, and that its top-level
    package is installed (found without running any of its code). That the whole path
    imports is checked with Django loaded, by ``anju.lib.checks``."""
    raw = os.environ.get(name)
    return parse_dotted_path(name, default if raw is None else raw)


def parse_dotted_path(name: str, raw: str) -> str:
    text = raw.strip()
    if not _DOTTED.fullmatch(text):
        raise _bad(name, raw, "is not a dotted path such as package.module.ClassName.")
    top = text.split(".", 1)[0]
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise _bad(name, raw, f"names the package {top!r}, which is not installed.")
    return text


def env_url(name: str, default: str, *, allow_empty: bool = False) -> str:
    """An http(s) URL with a host and no query or fragment; empty only with ``allow_empty``."""
    raw = os.environ.get(name)
    return parse_url(name, default if raw is None else raw, allow_empty=allow_empty)


def parse_url(name: str, raw: str, *, allow_empty: bool = False, origin: bool = False) -> str:
    text = raw.strip()
    if not text and allow_empty:
        return ""
    what = "scheme://host[:port]" if origin else "an http:// or https:// URL"
    try:
        parts = urlsplit(text)
        _port = parts.port  # raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or parts.query or parts.fragment or any(c.isspace() for c in text)
            or (origin and parts.path)):
        raise _bad(name, raw, f"is not {what}" + (
            " without a path (CSRF origins are compared exactly)." if origin else
            " with a host and no query, for example https://anju.example.cn."))
    return text


def env_origins(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of origins, ``https://host[:port]`` (``https://*.example.cn``)."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [parse_url(name, item, origin=True) for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Rate:
    """A rate limit: ``limit`` requests per window of ``seconds``."""

    limit: int
    seconds: int


RATE_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def env_rate(name: str, default: str) -> Rate:
    raw = os.environ.get(name)
    return parse_rate(name, default if raw is None else raw)


def parse_rate(name: str, raw: str) -> Rate:
    """``"20/hour"``, ``"600/minute"``, ``"3/minutes"``, ``"5/30s"`` → a Rate."""
    count, _slash, period = str(raw).partition("/")
    period = period.strip().lower()
    seconds = RATE_UNITS.get(period.removesuffix("s")) or (
        int(period[:-1]) if period.endswith("s") and period[:-1].isdigit() else 0)
    if not (count.strip().isdigit() and int(count) > 0 and seconds > 0):
        raise _bad(name, raw, "is not a rate; write <requests>/<second|minute|hour|day>, "
                              "for example 600/minute, or <requests>/<seconds>s such as 5/30s.")
    return Rate(limit=int(count), seconds=seconds)


def env_proxies(name: str, default: str) -> int | tuple[Network, ...]:
    """A number of proxies (``"1"``), or their addresses and networks
    (``"10.0.0.0/8, 192.0.2.7"``) as a tuple of networks; ``""`` is the empty tuple."""
    raw = os.environ.get(name)
    return parse_proxies(name, default if raw is None else raw)


def parse_proxies(name: str, raw: str) -> int | tuple[Network, ...]:
    text = raw.strip()
    if text.isdigit():
        return int(text)
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False)
                     for part in text.split(",") if part.strip())
    except ValueError:
        raise _bad(name, raw, "is neither the number of proxies in front of Anju nor a "
                              "comma-separated list of their addresses or networks.") from None


def env_font(name: str) -> tuple[str, int] | None:
    """A font file, ``path`` or ``path#index`` (a face of a .ttc collection); unset or
    empty → None. The file must exist."""
    raw = os.environ.get(name)
    return None if raw is None else parse_font(name, raw)


def parse_font(name: str, raw: str) -> tuple[str, int] | None:
    text = raw.strip()
    if not text:
        return None
    path, sep, index = text.partition("#")
    if sep and not index.isdigit():
        raise _bad(name, raw, "has a face index that is not a number; write path or path#index.")
    if not Path(path).is_file():
        raise _bad(name, raw, f"names {path!r}, which is not a file.")
    return path, int(index) if sep else 0
