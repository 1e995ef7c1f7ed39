from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "anju.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self) -> None:
        # The proxy list and the rates are parsed by the settings themselves (anju/lib/env.py).
        # What only Django can check (backends that must import, roles that must exist) is
        # the `anju_settings` system check: `anju check`, runserver and `anju worker` run it,
        # and anju/wsgi.py calls it for gunicorn. The task backend is checked right here:
        # django-tasks' own check would crash on it first (anju/lib/checks.py).
        from django.core import checks

        from anju.lib import checks as settings_checks

        checks.register(settings_checks.check_settings, settings_checks.TAG)
        settings_checks.validate(settings_checks.task_backend_errors)
