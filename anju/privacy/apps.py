from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "anju.privacy"
    label = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from anju.privacy import keys

        # Loaded here so that a missing or malformed key stops every process at start-up
        # (gunicorn through the WSGI module, `anju` commands), before any request or job.
        keys.keyring()
        setting_changed.connect(keys.reset, dispatch_uid="anju.privacy.keys.reset")
