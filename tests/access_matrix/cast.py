"""The matrix's data set: two estates, one person per actor, complaints of four kinds.

Built once for the whole folder (``conftest._matrix``) through the same services the product
uses, then every test runs inside a savepoint that is rolled back, so a write one test
makes never reaches the next.

Kinds of complaint (the "targets"), each walked to every status of ``STATUSES``, every
complaint with one photo from its intake (``Target.attachments``):

* ``own``          — filed by ``resident`` about their home in estate A;
* ``neighbour``    — filed by ``other_resident`` (estate A);
* ``estate_b``     — filed by ``resident_b`` in estate B;
* ``confidential`` — filed for ``resident`` in estate A by an agent, marked confidential,
  and dispatched to ``handler`` all the same: being assigned must not open it.

Once dispatched (``assigned`` onwards) every complaint is in engineering, with ``handler``
(estate A) or ``handler_b`` (estate B) as its handler.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anju.accounts.models import ApiToken
from anju.complaints import services
from anju.complaints.models import Category, Channel, Complaint, Status
from anju.complaints.taxonomy import seed as seed_taxonomy
from anju.estates.models import Building, Company, Estate, Facility, Room, Unit
from anju.staff.models import Department, Role
from anju.worker.models import PeriodicJob
from tests.access_matrix.policy import ACTORS, KINDS
from tests.conftest import enrol_two_factor, make_resident, make_staff

S = Status
# The order a complaint is walked in; on_hold branches off in_progress.
STATUSES = (S.RECEIVED, S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD, S.RESOLVED, S.CLOSED)

PHONES = {"resident": "13800001111", "other_resident": "13900002222", "resident_b": "13700003333"}
NAMES = {"resident": "张三", "other_resident": "李四", "resident_b": "王五"}
ESTATE_NAMES = {"a": "翠湖苑", "b": "锦绣园"}
# Room numbers differ between the estates so a page can be searched for the other one's.
ROOMS = {"a": ("101", "102"), "b": ("808",)}


@dataclass
class Target:
    kind: str
    estate: str
    complaints: dict[str, Complaint] = field(default_factory=dict)  # status → complaint
    attachments: dict[str, int] = field(default_factory=dict)  # status → id of its intake photo
    complainant: str = ""  # key of PHONES


@dataclass
class Cast:
    users: dict[str, Any]  # actor name → user (None for anonymous), plus helpers
    keys: dict[str, str]  # actor name → API key (not for anonymous)
    targets: dict[str, Target]
    estates: dict[str, Estate]
    rooms: dict[str, list[Room]]
    departments: dict[str, Department]
    categories: dict[str, Category]

    def complaint(self, kind: str, status: str) -> Complaint:
        return self.targets[kind].complaints[status]

    def all_complaints(self) -> list[tuple[str, str, Complaint]]:
        return [(kind, status, c) for kind, t in self.targets.items()
                for status, c in t.complaints.items()]


def photo(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def build() -> Cast:
    seed_taxonomy(Department, Category)
    departments = {d.code: d for d in Department.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    estates, rooms = _places()
    users = _people(estates, rooms, departments)
    keys = {name: ApiToken.issue(user=user, name="access matrix")[1]
            for name, user in users.items() if name in ACTORS and user is not None}
    targets = _complaints(users, estates, rooms, departments)
    return Cast(users=users, keys=keys, targets=targets, estates=estates, rooms=rooms,
                departments=departments, categories=categories)


def _places() -> tuple[dict[str, Estate], dict[str, list[Room]]]:
    company = Company.objects.create(name="安居物业")
    estates, rooms = {}, {}
    # Rows for admin tables nothing else fills, so their pages are opened on a real object.
    Group.objects.create(name="matrix")
    PeriodicJob.objects.get_or_create(name="matrix")
    for code, name in ESTATE_NAMES.items():
        estate = Estate.objects.create(company=company, code=code, name=name)
        building = Building.objects.create(estate=estate, name="1栋")
        Facility.objects.create(estate=estate, building=building, kind="lift", name="1栋1号电梯")
        unit = Unit.objects.create(building=building, name="1单元")
        estates[code] = estate
        rooms[code] = [Room.objects.create(unit=unit, number=n, floor=1) for n in ROOMS[code]]
    return estates, rooms


def _people(estates: dict[str, Estate], rooms: dict[str, list[Room]],
            departments: dict[str, Department]) -> dict[str, Any]:
    a, b = [estates["a"]], [estates["b"]]
    engineering, environment = [departments["engineering"]], [departments["environment"]]
    users: dict[str, Any] = {
        "anonymous": None,
        "agent": make_staff("m_agent", Role.AGENT, estates=a, name="客服小李"),
        "agent_b": make_staff("m_agent_b", Role.AGENT, estates=b, name="客服小赵"),
        "handler": make_staff("m_handler", Role.HANDLER, estates=a, departments=engineering,
                              name="王师傅"),
        "handler_peer": make_staff("m_handler_peer", Role.HANDLER, estates=a,
                                   departments=engineering, name="陈师傅"),
        "handler_env": make_staff("m_handler_env", Role.HANDLER, estates=a,
                                  departments=environment, name="保洁刘阿姨"),
        "handler_b": make_staff("m_handler_b", Role.HANDLER, estates=b, departments=engineering,
                                name="B区工程"),
        "supervisor": make_staff("m_supervisor", Role.SUPERVISOR, estates=a,
                                 departments=engineering, name="工程主管"),
        "manager": make_staff("m_manager", Role.MANAGER, estates=a, name="项目经理"),
        "quality": make_staff("m_quality", Role.QUALITY, all_estates=True, name="品质部"),
        "admin": make_staff("m_admin", Role.ADMIN, all_estates=True, name="管理员"),
    }
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    for name in ("quality", "admin"):  # they may not act before enrolling a second factor
        enrol_two_factor(users[name])
    for key, room in (("resident", rooms["a"][0]), ("other_resident", rooms["a"][1]),
                      ("resident_b", rooms["b"][0])):
        users[key] = make_resident(NAMES[key], PHONES[key], [room]).user
    return users


def _complaints(users: dict[str, Any], estates: dict[str, Estate], rooms: dict[str, list[Room]],
                departments: dict[str, Department]) -> dict[str, Target]:
    resident = users["resident"].resident
    specs = {
        # kind: (estate, complainant, intake arguments, desk, handler)
        "own": ("a", "resident", {"actor": users["resident"], "channel": Channel.WEB,
                                  "room": rooms["a"][0]}, "agent", "handler"),
        "neighbour": ("a", "other_resident", {"actor": users["other_resident"],
                                              "channel": Channel.WEB, "room": rooms["a"][1]},
                      "agent", "handler"),
        "estate_b": ("b", "resident_b", {"actor": users["resident_b"], "channel": Channel.WEB,
                                         "room": rooms["b"][0]}, "agent_b", "handler_b"),
        "confidential": ("a", "resident", {"actor": users["agent"], "channel": Channel.PHONE,
                                           "resident": resident, "room": rooms["a"][0],
                                           "contact_phone": PHONES["resident"],
                                           "confidential": True}, "quality", "handler"),
    }
    targets = {}
    for kind in KINDS:
        estate, complainant, intake, desk, handler = specs[kind]
        target = Target(kind=kind, estate=estate, complainant=complainant)
        for status in STATUSES:
            complaint = services.complaint_create(
                estate=estates[estate], description=f"{kind}: 卫生间天花板漏水 ({status})",
                files=[photo()], **intake).complaint
            target.complaints[status] = _walk(complaint, status, desk=users[desk],
                                              handler=users[handler],
                                              engineering=departments["engineering"])
            target.attachments[status] = complaint.attachments.get().pk
        targets[kind] = target
    return targets


def _walk(complaint: Complaint, status: str, *, desk: Any, handler: Any,
          engineering: Department) -> Complaint:
    """Take ``complaint`` to ``status``; the desk dispatches, the handler (or HQ) works."""
    # Quality walks confidential complaints itself: nobody else can see them.
    worker = desk if complaint.confidential else handler
    pk = complaint.pk
    steps = [
        (S.VERIFIED, lambda: services.complaint_verify(actor=desk, complaint_id=pk,
                                                       category="repair")),
        (S.ASSIGNED, lambda: services.complaint_assign(
            actor=desk, complaint_id=pk, department=engineering,
            # A confidential complaint is never given to a handler who cannot open it.
            handler=None if complaint.confidential else handler, plan="今天下午上门查看")),
        (S.IN_PROGRESS, lambda: services.complaint_accept(actor=worker, complaint_id=pk)),
        (S.ON_HOLD, lambda: services.complaint_hold(actor=worker, complaint_id=pk,
                                                    reason="等业主回家")),
        (S.RESOLVED, lambda: services.complaint_resolve(actor=worker, complaint_id=pk,
                                                        result="已更换水管接头")),
        (S.CLOSED, lambda: services.complaint_rate(actor=desk, complaint_id=pk, satisfaction=5,
                                                   solved=True)),
    ]
    path = {S.ON_HOLD: [S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD]}.get(
        status, [s for s in STATUSES[1:STATUSES.index(status) + 1] if s != S.ON_HOLD])
    for target, step in steps:
        if target in path:
            step()
    complaint.refresh_from_db()
    assert complaint.status == status, (complaint.status, status)
    return complaint
