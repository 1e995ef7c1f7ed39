"""The admin: closed to everyone but administrators; its complaint list obeys the policy."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from anju.audit.log import record
from anju.complaints.models import Category, Complaint
from tests.access_matrix import policy, tally
from tests.access_matrix.admin_table import ADMIN_MODELS, ADMIN_SITE, ROLE_GATED_MODELS, VIEWS, model_urls
from tests.access_matrix.policy import ACTORS, HAS_ADMIN_FLAG, STAFF, sees
from tests.access_matrix.state import NUMBER

SUPERUSER = "admin"
COMPLAINTS = "/admin/complaints/complaint/"
# A row of the complaint list (the search box repeats what was searched for).
LISTED = re.compile(r'<th class="field-number"><a href="[^"]*">(TS\d+)</a>')


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("key", sorted(ADMIN_SITE))
def test_the_admin_site_opens_only_for_administrators(cast, sessions, key, actor):
    page = ADMIN_SITE[key]
    complaint = cast.complaint("estate_b", "received")
    path = page.path.replace("{ct}", str(ContentType.objects.get_for_model(Complaint).pk))
    path = path.replace("{id}", str(complaint.pk))
    response = getattr(sessions.client("browser", actor), page.method)(path)
    tally.count("admin site")
    if page.public:
        assert response.status_code in {200, 302}
        assert not NUMBER.search(response.content.decode() + response.get("Location", ""))
    elif actor == SUPERUSER:
        assert response.status_code in page.superuser, response.status_code
    else:
        assert _sent_to_sign_in(response), (response.status_code, response.get("Location"))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_each_admin_page_of_each_model_opens_only_for_administrators(cast, sessions, label,
                                                                      actor):
    model = apps.get_model(label)
    found = model._default_manager.order_by("pk").first()
    client = sessions.client("browser", actor)
    problems = []
    for view, url in model_urls(model, found.pk if found else 0).items():
        response = client.get(url)
        if actor != SUPERUSER:
            ok = _sent_to_sign_in(response)
        elif view not in ADMIN_MODELS[label]:
            ok = response.status_code == 403
        elif found is None and view not in ("changelist", "add"):
            ok = response.status_code == 302  # "does not exist": back to the index
        else:
            ok = response.status_code == 200
        if not ok:
            problems.append(f"{view}: {response.status_code} {response.get('Location', '')}")
    tally.count("admin models", len(VIEWS))
    assert not problems, f"{label} as {actor}:\n" + "\n".join(problems)


@pytest.mark.parametrize("actor", [a for a in STAFF if a != SUPERUSER])
def test_a_changed_admin_form_sent_by_other_staff_changes_nothing(cast, sessions, actor):
    category = Category.objects.get(code="repair")
    response = sessions.client("browser", actor).post(
        f"/admin/complaints/category/{category.pk}/change/",
        {"code": "repair", "name": "改掉", "department": category.department_id,
         "is_active": "", "sort_order": 1})
    tally.count("admin writes")
    assert _sent_to_sign_in(response)
    category.refresh_from_db()
    assert category.name != "改掉" and category.is_active


def _with_admin_flag(user, *codenames: str):
    """The staff member, given the admin flag and the named permissions."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.parametrize("actor", [a for a in STAFF if a != SUPERUSER] + [SUPERUSER])
def test_the_admin_complaint_list_shows_only_complaints_in_reach(cast, sessions, actor):
    _with_admin_flag(cast.users[actor], "view_complaint")
    client = sessions.client("browser", actor)
    listed = set(LISTED.findall(client.get(COMPLAINTS).content.decode()))
    expected = {c.number for kind, status, c in cast.all_complaints() if sees(actor, kind, status)}
    assert listed == expected, {"unexpected": listed - expected, "missing": expected - listed}

    missing = client.get(f"{COMPLAINTS}999999/change/")
    problems = []
    for kind, status, complaint in cast.all_complaints():
        page = client.get(f"{COMPLAINTS}{complaint.pk}/change/")
        if sees(actor, kind, status):
            ok = page.status_code == 200 and complaint.number in page.content.decode()
        else:  # the answer for an id that does not exist
            ok = (page.status_code, page["Location"]) == (missing.status_code, missing["Location"])
        if not ok:
            problems.append(f"{kind} ({status}): {page.status_code}")
        searched = LISTED.findall(client.get(COMPLAINTS, {"q": complaint.number}).content.decode())
        if searched != ([complaint.number] if sees(actor, kind, status) else []):
            problems.append(f"{kind} ({status}): searching its number")
    tally.count("admin complaint list", 1 + 2 * len(cast.all_complaints()))
    assert not problems, "\n".join(problems)


def test_the_admin_flag_alone_opens_no_model(cast, sessions):
    _with_admin_flag(cast.users["agent"])
    client = sessions.client("browser", "agent")
    index = client.get("/admin/")
    tally.count("admin site", 2)
    assert index.status_code == 200
    assert COMPLAINTS not in index.content.decode()
    assert client.get(COMPLAINTS).status_code == 403



@pytest.mark.parametrize("actor", STAFF)
@pytest.mark.parametrize("label", sorted(ROLE_GATED_MODELS))
def test_a_role_gated_admin_opens_for_exactly_its_roles(cast, sessions, label, actor):
    """The audit log: shut without the admin flag; with it, open only to its readers,
    whatever Django permissions the account has (none here), listed on the index for them."""
    model = apps.get_model(label)
    readers = getattr(policy, ROLE_GATED_MODELS[label])
    entry = record("pii.reveal", target=("complaints.complaint", 4242), data={"field": "contact_phone"})
    urls = model_urls(model, entry.pk)
    client = sessions.client("browser", actor)
    problems = []
    if actor not in HAS_ADMIN_FLAG:
        for view in ("changelist", "change"):
            if not _sent_to_sign_in(client.get(urls[view])):
                problems.append(f"{view} without the admin flag: not sent to sign in")
        _with_admin_flag(cast.users[actor])
    listed = urls["changelist"] in client.get("/admin/").content.decode()
    if listed is not (actor in readers):
        problems.append(f"the admin's index {'lists' if listed else 'does not list'} it")
    for view in ("changelist", "change", "history"):
        status = client.get(urls[view]).status_code
        if status != (200 if actor in readers else 403):
            problems.append(f"{view}: {status}")
    for view in ("add", "delete"):  # append-only, for everyone
        status = client.get(urls[view]).status_code
        if status != 403:
            problems.append(f"{view}: {status}")
    tally.count("admin role-gated models", 8)
    assert not problems, f"{label} as {actor}:\n" + "\n".join(problems)
