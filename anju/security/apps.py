from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "anju.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self) -> None:
        # Stop at start-up on a malformed proxy list or rate, not at the first request.
        from anju.security import client_ip, ratelimit

        client_ip.trusted_proxies()
        ratelimit.configured_rates()
