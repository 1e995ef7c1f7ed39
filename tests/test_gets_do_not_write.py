"""GETs never write: no page of the console, the portal, the survey or the API changes the
database when it is only looked at.

The demo company gives every kind of page something to show (complaints in every status,
an incident, warnings, return visits, notifications, attachments). Each user signs in
first — sign-in may write (the session, ``last_login``, an API key's last use) — and then
walks the pages: a fixed list of seeds plus every same-site link found on them, within
caps. Each GET runs inside ``CaptureQueriesContext``; any INSERT, UPDATE, DELETE or
REPLACE fails the test with the page and the statement.

POST-only addresses (the actions, reveals, acknowledgements) are fetched with GET too:
they must refuse without doing anything.
"""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.accounts.models import ApiToken, User
from anju.analytics.models import MonthlyReport
from anju.complaints import access
from anju.complaints.models import Attachment, Complaint, Status
from anju.estates.models import Estate
from anju.routing.models import Incident
from anju.staff.models import Department
from anju.visits import links
from anju.visits.models import ReturnVisit
from anju.warnings.models import Warning
from tests.conftest import enrol_two_factor

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Sign-in pages that write by design, and the only writes allowed there: setting up the
# second factor shows a new secret (QR code) and keeps it, unconfirmed, until the code
# typed back confirms it.
SIGN_IN_WRITES = {"/console/two-factor/": re.compile(r'^\s*INSERT INTO "accounts_twofactor"')}
HREF = re.compile(r'href="([^"]+)"')
CRAWLED = ("/console/", "/portal/", "/api/v1/", "/files/", "/survey/")
# Leaving is a write by design (the session ends); so is changing the language (a cookie,
# but set_language only answers POST anyway).
SKIPPED = re.compile(r"/(logout|signout)/|^/i18n/|^/admin/")
# Caps per user, so the walk stays quick: pages reached by links beyond the seeds, complaint
# pages among them, variants of one path's query string.
MAX_CRAWLED = 30
MAX_COMPLAINT_PAGES = 6
MAX_QUERY_VARIANTS = 3

STAFF = ("agent.cuihu", "handler.lift.cuihu", "supervisor.eng.cuihu", "manager.cuihu", "quality",
         "admin")


@pytest.fixture
def demo(db, settings):
    settings.LANGUAGE_CODE = "en"
    call_command("demo", complaints=60, stdout=io.StringIO())
    for username in ("quality", "admin"):  # they may not use anything before their 2nd factor
        enrol_two_factor(User.objects.get(username=username))


def _writes(queries: Iterable[dict]) -> list[str]:
    return [q["sql"][:200] for q in queries if WRITE.match(q["sql"])]


def _get(client: Client, url: str, offenders: list, who: str, **headers: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    writes = _writes(captured.captured_queries)
    allowed = SIGN_IN_WRITES.get(urlsplit(url).path)
    if allowed is not None:
        writes = [w for w in writes if not allowed.match(w)]
    if writes:
        offenders.append((who, url, response.status_code, writes))
    return response


def _links(page_url: str, response) -> list[str]:
    """The same-site links of an HTML page, as paths with their query (``?tab=…`` resolved)."""
    if "html" not in response.get("Content-Type", ""):
        return []
    found = []
    for href in HREF.findall(response.content.decode(errors="replace")):
        parts = urlsplit(urljoin(page_url, urldefrag(href.replace("&amp;", "&"))[0]))
        if parts.netloc not in ("", "testserver"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url.startswith(CRAWLED) and not SKIPPED.search(url):
            found.append(url)
    return found


def _walk(client: Client, seeds: list[str], offenders: list, who: str) -> int:
    """GET every seed, then the same-site links found on the pages, breadth first, within caps."""
    queue, seen = deque(seeds), set()
    per_path: Counter[str] = Counter()
    complaint_pages = crawled = visited = 0
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or SKIPPED.search(url):
            continue
        seen.add(url)
        if url not in seeds:
            if crawled >= MAX_CRAWLED or per_path[path] >= MAX_QUERY_VARIANTS:
                continue
            if re.match(r"^/(console|portal)/c/[^/]+/$", path):
                if complaint_pages >= MAX_COMPLAINT_PAGES:
                    continue
                complaint_pages += 1
            crawled += 1
        per_path[path] += 1
        visited += 1
        response = _get(client, url, offenders, who)
        queue.extend(u for u in _links(url, response) if u not in seen)
    return visited


def _complaint_seeds(user: User) -> list[str]:
    """A visible complaint in each status, the incident's lead, and the actions' addresses."""
    visible = access.visible_complaints(user)
    numbers = []
    for status in Status.values:
        number = visible.filter(status=status).order_by("pk").values_list("number", flat=True).first()
        if number:
            numbers.append(number)
    lead = Incident.objects.values_list("lead__number", flat=True).first()
    if lead and visible.filter(number=lead).exists():
        numbers.append(lead)
    urls = []
    for number in numbers:
        urls += [f"/console/c/{number}/", f"/api/v1/complaints/{number}"]
    # Addresses that only answer POST, for the first one: GET must not do what they do.
    if numbers:
        base = f"/console/c/{numbers[0]}/"
        urls += [f"{base}act/assign/", f"{base}act/verify/", f"{base}act/note/", f"{base}reveal/",
                 f"{base}suggestion/", f"/api/v1/complaints/{numbers[0]}/reveal",
                 f"/api/v1/complaints/{numbers[0]}/actions/verify"]
    return urls


def _staff_seeds(user: User) -> list[str]:
    seeds = ["/console/", "/console/new/", "/console/warnings/", "/console/warnings/?show=all",
             "/console/visits/", "/console/notifications/", "/console/password/",
             "/console/two-factor/", "/console/stats/", "/console/stats/league/",
             "/console/stats/league/?by=department", "/console/stats/league/?format=csv",
             "/console/reports/", "/console/reports/build/",
             "/api/v1/complaints", "/api/v1/complaints?status=received", "/api/v1/categories",
             "/api/v1/estates", "/api/v1/departments", "/api/v1/me", "/api/v1/openapi.json",
             "/api/v1/docs"]
    seeds += [f"/console/stats/estate/{pk}/" for pk in Estate.objects.values_list("pk", flat=True)]
    seeds += [f"/console/stats/department/{pk}/"
              for pk in Department.objects.order_by("pk").values_list("pk", flat=True)[:2]]
    seeds += _complaint_seeds(user)
    for visit in ReturnVisit.objects.order_by("pk")[:2]:
        seeds += [f"/console/visits/{visit.pk}/", f"/console/visits/{visit.pk}/attempt/"]
    for warning in Warning.objects.order_by("pk")[:1]:
        seeds += [f"/console/warnings/{warning.pk}/acknowledge/"]
    visible = access.visible_complaints(user).values("pk")
    attachments = Attachment.objects.filter(complaint__in=visible).order_by("pk")
    seeds += [f"/files/{pk}/" for pk in attachments.values_list("pk", flat=True)[:2]]
    for pk in MonthlyReport.objects.order_by("pk").values_list("pk", flat=True)[:1]:
        seeds.append(f"/console/reports/{pk}/download/")
    return seeds


def test_no_get_writes_to_the_database(demo):
    offenders: list = []
    visited = 0

    for username in STAFF:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)  # signed in before anything is measured
        visited += _walk(client, _staff_seeds(user), offenders, username)

        # The API with a key: the key's first use stamps it (like last_login); then it reads.
        _token, key = ApiToken.issue(user=user, name="gets")
        api = Client(headers={"Authorization": f"Bearer {key}"})
        api.get("/api/v1/me")
        for url in ("/api/v1/me", "/api/v1/complaints", *[
                f"/api/v1/complaints/{n}" for n in access.visible_complaints(user)
                .order_by("-pk").values_list("number", flat=True)[:5]]):
            _get(api, url, offenders, f"{username} (API key)")
            visited += 1

    # Residents: their portal, every complaint of theirs, the forms behind the actions.
    residents = (User.objects.filter(resident__isnull=False,
                                     resident__complaints__isnull=False).distinct().order_by("pk")[:3])
    for user in residents:
        client = Client()
        client.force_login(user)
        seeds = ["/portal/", "/portal/new/", "/portal/notifications/", "/portal/settings/",
                 "/portal/signin/", "/api/v1/complaints", "/api/v1/me"]
        for number in Complaint.objects.filter(resident__user=user).values_list("number", flat=True):
            base = f"/portal/c/{number}/"
            seeds += [base, f"{base}submitted/", f"{base}rate/", f"{base}more/", f"{base}withdraw/"]
        visited += _walk(client, seeds, offenders, f"resident {user.pk}")

    # Signed out: the sign-in pages and the survey link (the token is made before measuring).
    anonymous = Client()
    tokens = [links.token_for(v) for v in ReturnVisit.objects.order_by("pk")[:2]]
    for url in ("/console/login/", "/console/login/code/", "/portal/signin/",
                "/portal/signin/code/", "/portal/", "/console/", "/api/v1/complaints",
                *[f"/survey/{t}/" for t in tokens], "/survey/not-a-token/"):
        _get(anonymous, url, offenders, "anonymous")
        visited += 1

    assert visited > 300
    assert not offenders, "\n".join(
        f"{who} GET {url} → {status}:\n    " + "\n    ".join(writes)
        for who, url, status, writes in offenders)
