"""The production profile: secure cookies, HSTS, HTTPS, session lengths, and a clean deploy check."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = """
import json
import secrets
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in [
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
    "ANJU_STAFF_SESSION_SECONDS", "SESSION_COOKIE_AGE", "ANJU_TRUSTED_PROXIES", "CACHES"]}))
"""


def throwaway_keys():
    """Encryption keys in the form ``anju keys generate`` prints (anju/privacy needs them)."""
    return {"ANJU_DATA_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
            "ANJU_INDEX_KEY": base64.b64encode(os.urandom(32)).decode()}


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANJU_", "SECURE_", "DJANGO_"))}
    env.update({
        "ANJU_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "anju.example.cn",
        "CSRF_TRUSTED_ORIGINS": "https://anju.example.cn",
        "DATABASE_URL": "postgres://anju:unused@db.internal:5432/anju",
        "ANJU_DATA_DIR": str(tmp_path), "ANJU_MEDIA_DIR": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "anju.settings", **extra})
    return env


def production_settings(tmp_path, **extra):
    script = PRINT  # importing the settings module is enough
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=production_env(tmp_path, **extra),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_turns_on_https_and_secure_cookies(tmp_path):
    values = production_settings(tmp_path)
    assert values["SECURE_HSTS_SECONDS"] == 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax" and values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["ANJU_STAFF_SESSION_SECONDS"] == 8 * 3600
    assert values["ANJU_TRUSTED_PROXIES"] == 1


def test_the_https_redirect_and_proxy_header_can_be_switched_off(tmp_path):
    values = production_settings(tmp_path, SECURE_SSL_REDIRECT="false", ANJU_PROXY_SSL_HEADER="false")
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_PROXY_SSL_HEADER"] is None


def test_a_redis_cache_url_needs_the_redis_package(tmp_path):
    script = "from django.conf import settings; settings.CACHES"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT,
                            env=production_env(tmp_path, CACHE_URL="redis://cache.internal:6379/0"),
                            capture_output=True, text=True, timeout=120, check=False)
    try:
        import redis  # noqa: F401
    except ImportError:
        assert result.returncode != 0 and "install the `redis` package" in result.stderr
    else:
        assert result.returncode == 0, result.stderr


def test_the_deploy_check_is_clean(tmp_path):
    cmd = ["check", "--deploy", "--fail-level", "WARNING"]
    env = production_env(tmp_path, **throwaway_keys())
    result = subprocess.run([sys.executable, "-m", "anju", *cmd], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_staff_sessions_last_one_shift(client, agent, settings):
    from tests.security_signin.conftest import sign_in

    sign_in(client, "agent")
    assert client.session.get_expiry_age() == settings.ANJU_STAFF_SESSION_SECONDS
    assert client.session.get_expiry_age() < settings.SESSION_COOKIE_AGE
