"""`anju token`: create, list and revoke API keys from the console."""

import io

import pytest
from django.core.management import CommandError, call_command

from anju.accounts.models import ApiToken, hash_secret
from tests.api.conftest import ApiClient


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_a_working_key_once_and_stores_only_its_hash(agent):
    out, err = run("create", "--user", "agent", "--name", "12345 bridge")
    key = out.strip()
    assert key.startswith("anju_")
    token = ApiToken.objects.get()
    assert token.key_hash == hash_secret(key) and key not in token.key_hash
    assert token.prefix in err and token.name == "12345 bridge"
    assert ApiClient(key).get("/me").json()["username"] == "agent"


def test_create_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        run("create", "--user", "ghost", "--name", "x")


def test_list_shows_live_keys_without_the_secret(agent, manager):
    ApiToken.issue(user=agent, name="bridge")
    revoked, _key = ApiToken.issue(user=manager, name="old")
    run("revoke", revoked.prefix)
    out, _err = run("list")
    assert "bridge" in out and "agent" in out and "old" not in out
    assert "anju_" not in out
    everything, _err = run("list", "--all")
    assert "old" in everything


def test_revoke_makes_the_key_useless(agent):
    token, key = ApiToken.issue(user=agent, name="bridge")
    out, _err = run("revoke", token.prefix)
    assert token.prefix in out
    assert ApiClient(key).get("/me").status_code == 401
    with pytest.raises(CommandError):
        run("revoke", token.prefix)
