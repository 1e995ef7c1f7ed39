"""The settings that only Django can check, as system checks (tag ``anju_settings``).

``anju/settings.py`` parses every environment variable when it loads, through the readers
of ``anju/lib/env.py``: a malformed value (a time range, a rate, a URL, a network, …)
stops the process there, naming the variable. What needs the project loaded is checked
here, with an error that names the variable too:

* ``anju.E001`` — ``ANJU_SMS_BACKEND`` does not import, or is not a class;
* ``anju.E002`` — ``ANJU_EMAIL_BACKEND`` does not import, or is not a class;
* ``anju.E003`` — ``ANJU_TASK_BACKEND`` does not import, or is not a class (checked
  earlier, see below);
* ``anju.E004`` — the SMS provider chosen by ``ANJU_SMS_BACKEND`` lacks its credentials
  (the adapter's ``missing_settings()`` names the empty variables);
* ``anju.E005`` — ``ANJU_PII_FULL_ROLES`` names a role that does not exist (a check of
  ``anju.staff``, which knows the roles: registered with ``settings_check`` from its
  ``AppConfig.ready``, run after the others).

Where they run:

* ``anju check`` reports them and exits non-zero;
* ``anju runserver`` and ``anju worker`` run every system check before they start
  (Django's ``BaseCommand`` does, unless ``--skip-checks`` is given), so they stop too;
* gunicorn runs no system checks: ``anju/wsgi.py`` calls ``validate()`` once the
  application is loaded, which raises ``ImproperlyConfigured`` with the same messages, so
  a web process with such a setting never serves a request.

The check is registered by ``anju.security``'s ``AppConfig.ready``, which also calls
``validate(task_backend_errors)`` at once: django-tasks' own system check imports the task
backend and crashes on a bad one with a message that does not name ``ANJU_TASK_BACKEND``,
before any other check could report, so that one setting stops every process as Django
sets up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

TAG = "anju_settings"

SettingsCheck = Callable[[], list[checks.CheckMessage]]
# Checks of settings that need an app above this module (a model's choices), registered
# by that app's AppConfig.ready; check_settings runs them after its own, in order.
_REGISTERED: list[SettingsCheck] = []


def settings_check(check: SettingsCheck) -> SettingsCheck:
    """Add ``check`` to ``check_settings`` (and so to ``anju check`` and ``validate``)."""
    if check not in _REGISTERED:
        _REGISTERED.append(check)
    return check


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every error of the settings that need Django loaded (registered as a system check)."""
    errors: list[checks.CheckMessage] = []
    sms = _import_class("ANJU_SMS_BACKEND", settings.ANJU_SMS_BACKEND, "anju.E001", errors,
                        example="anju.notify.channels.aliyun.AliyunSMS")
    _import_class("ANJU_EMAIL_BACKEND", settings.EMAIL_BACKEND, "anju.E002", errors,
                  example="django.core.mail.backends.smtp.EmailBackend")
    missing: Callable[[], list[str]] | None = getattr(sms, "missing_settings", None)
    if missing is not None and (names := missing()):
        errors.append(checks.Error(
            f"ANJU_SMS_BACKEND={settings.ANJU_SMS_BACKEND!r} needs {', '.join(names)}, "
            f"which {'is' if len(names) == 1 else 'are'} not set.",
            hint="Set them from the provider's console (docs/notifications.md), or choose "
                 "another ANJU_SMS_BACKEND.",
            id="anju.E004"))
    for check in _REGISTERED:
        errors.extend(check())
    return errors


def task_backend_errors() -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    _import_class("ANJU_TASK_BACKEND", settings.TASKS["default"]["BACKEND"], "anju.E003", errors,
                  example="django_tasks_db.DatabaseBackend")
    return errors


def _import_class(variable: str, path: str, check_id: str, errors: list[checks.CheckMessage],
                  *, example: str) -> type | None:
    try:
        found = import_string(path)
    except ImportError as exc:
        errors.append(checks.Error(f"{variable}={path!r} cannot be imported: {exc}",
                                   hint=f"Give the dotted path of a class, such as {example}.",
                                   id=check_id))
        return None
    if not isinstance(found, type):
        errors.append(checks.Error(f"{variable}={path!r} is not a class.",
                                   hint=f"Give the dotted path of a class, such as {example}.",
                                   id=check_id))
        return None
    return found


def validate(check: Callable[[], list[checks.CheckMessage]] = check_settings) -> None:
    """Raise ``ImproperlyConfigured`` listing the errors of ``check`` (for process starts
    that run no system checks: the WSGI module). Silenced ids stay silent."""
    problems = [message for message in check()
                if message.is_serious() and not message.is_silenced()]
    if problems:
        raise ImproperlyConfigured("\n".join(
            f"{message.msg} {message.hint or ''} ({message.id})".replace("  ", " ")
            for message in problems))
