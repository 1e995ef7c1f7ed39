"""Run by the benchmark in a subprocess whose environment names the database.

``setup``: migrate, then create an estate, a staff agent who works there and an API
token for them; print ``{"estate": …, "key": …}`` as JSON on the last line.
"""

from __future__ import annotations

import json
import os
import sys


def setup() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    django.setup()
    from django.core.management import call_command

    from anju.accounts.models import ApiToken, User
    from anju.estates.models import Company, Estate
    from anju.staff.models import Role, StaffProfile

    call_command("migrate", verbosity=0, interactive=False)
    company = Company.objects.create(name="基准物业")
    estate = Estate.objects.create(company=company, code="bench", name="基准花园")
    user = User.objects.create_user(username="bench-agent", password=None, name="压测客服")
    profile = StaffProfile.objects.create(user=user, role=Role.AGENT)
    profile.estates.set([estate])
    _token, key = ApiToken.issue(user=user, name="intake benchmark")
    Token.key = key
    return {"estate": estate.code, "key": key}


class Token:
    """The key issued by the last ``setup`` in this process (for in-process profiling)."""

    key = ""


if __name__ == "__main__":
    if sys.argv[1:] != ["setup"]:
        sys.exit("usage: django_setup.py setup")
    print(json.dumps(setup()))
