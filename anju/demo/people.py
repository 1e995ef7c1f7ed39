"""The demo's people: about 150 residents in their rooms, and staff of every role.

Staff all share one documented password. Hashing it is deliberately slow, so it is
hashed once and the hash reused: the demo password is public anyway.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password

from anju.accounts.models import User
from anju.complaints.models import Category
from anju.demo.places import Site
from anju.estates.models import Residency, Resident, Room
from anju.staff.models import Department, Role, StaffProfile

PASSWORD = "anju-demo-2026"  # noqa: S105 - the documented demo password

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤")
MALE_NAMES = ("建国", "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "志强", "海波", "建华", "国强",
              "晓东", "志刚", "文博", "浩然", "宇航", "子轩", "俊杰", "振华", "德明", "建平", "永刚", "立新",
              "卫东", "鹏", "斌", "宁", "凯", "健", "峰", "家豪", "思远", "国庆", "长林", "春生", "新民", "一鸣")
FEMALE_NAMES = ("秀英", "丽", "静", "敏", "婷", "芳", "娟", "霞", "艳", "玲", "桂英", "秀兰", "丽娟", "美玲",
                "晓燕", "雪梅", "春梅", "海燕", "欣怡", "梓涵", "雨桐", "思琪", "佳怡", "慧敏", "淑珍", "玉兰",
                "凤英", "红梅", "丹", "倩", "晶晶", "文静", "小红", "月华", "颖", "琳")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187",
                   "188", "189")


@dataclass(frozen=True)
class DemoResident:
    name: str
    phone: str
    estate: str
    building: str
    unit: str
    room: str
    male: bool


# Fixed residents to sign in to the portal with; their numbers are reserved (138000000xx).
DEMO_RESIDENTS = (
    DemoResident("张建国", "13800000001", "cuihu", "1栋", "1单元", "101", True),
    DemoResident("李秀英", "13800000002", "jinxiu", "2栋", "1单元", "1202", False),
)
RESIDENTS_PER_ESTATE = {"cuihu": 85, "jinxiu": 65}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    role: str
    estate: str | None  # None: every estate (headquarters)
    department: str | None = None
    skills: tuple[str, ...] = ()


ENGINEERING_SKILLS = ("repair", "elevator", "utilities", "public_facility")
_ESTATE_STAFF = {
    "cuihu": ("陈静", "刘婷", "王建军", "赵志刚", "孙海波", "刘桂英", "马超", "黄丽娟", "周德明", "吴秀兰",
              "郑勇", "林晓燕", "杨志强"),
    "jinxiu": ("徐敏", "何欣怡", "郭永刚", "罗鹏", "梁建平", "谢春梅", "宋磊", "唐佳怡", "许国强", "韩雪梅",
               "冯军", "邓慧敏", "曹振华"),
}


def _estate_staff(code: str) -> list[StaffSpec]:
    (agent, agent2, eng, lift, water, env, order, cs, sup_eng, sup_env, sup_order, sup_cs,
     manager) = _ESTATE_STAFF[code]
    return [
        StaffSpec(f"agent.{code}", agent, Role.AGENT, code, "customer_service"),
        StaffSpec(f"agent2.{code}", agent2, Role.AGENT, code, "customer_service"),
        StaffSpec(f"handler.eng.{code}", eng, Role.HANDLER, code, "engineering", ENGINEERING_SKILLS),
        StaffSpec(f"handler.lift.{code}", lift, Role.HANDLER, code, "engineering", ("elevator",)),
        StaffSpec(f"handler.water.{code}", water, Role.HANDLER, code, "engineering",
                  ("utilities", "repair")),
        StaffSpec(f"handler.env.{code}", env, Role.HANDLER, code, "environment"),
        StaffSpec(f"handler.order.{code}", order, Role.HANDLER, code, "order"),
        StaffSpec(f"handler.cs.{code}", cs, Role.HANDLER, code, "customer_service"),
        StaffSpec(f"supervisor.eng.{code}", sup_eng, Role.SUPERVISOR, code, "engineering",
                  ENGINEERING_SKILLS),
        StaffSpec(f"supervisor.env.{code}", sup_env, Role.SUPERVISOR, code, "environment"),
        StaffSpec(f"supervisor.order.{code}", sup_order, Role.SUPERVISOR, code, "order"),
        StaffSpec(f"supervisor.cs.{code}", sup_cs, Role.SUPERVISOR, code, "customer_service"),
        StaffSpec(f"manager.{code}", manager, Role.MANAGER, code),
    ]


STAFF: tuple[StaffSpec, ...] = (
    *_estate_staff("cuihu"),
    *_estate_staff("jinxiu"),
    StaffSpec("quality", "彭丽", Role.QUALITY, None, "quality"),
    StaffSpec("handler.quality", "曾文博", Role.HANDLER, None, "quality"),
    StaffSpec("supervisor.quality", "肖红梅", Role.SUPERVISOR, None, "quality"),
    StaffSpec("admin", "系统管理员", Role.ADMIN, None),
)


# --------------------------------------------------------------------------- staff


def create_staff(sites: dict[str, Site], rng: random.Random) -> dict[str, User]:
    departments = {d.code: d for d in Department.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    password = make_password(PASSWORD)
    users = {}
    for spec in STAFF:
        user = User(username=spec.username, name=spec.name, password=password,
                    is_staff=spec.role == Role.ADMIN, is_superuser=spec.role == Role.ADMIN)
        user.save()
        profile = StaffProfile.objects.create(user=user, role=spec.role, phone=_mobile(rng, "139"),
                                              all_estates=spec.estate is None)
        if spec.estate:
            profile.estates.set([sites[spec.estate].estate])
        if spec.department:
            profile.departments.set([departments[spec.department]])
        if spec.skills:
            profile.skills.set([categories[code] for code in spec.skills])
        users[spec.username] = user
    return users


# --------------------------------------------------------------------------- residents


@dataclass
class Household:
    room: Room
    residents: list[Resident] = field(default_factory=list)


@dataclass
class People:
    residents: dict[str, list[Resident]]  # estate code → residents
    rooms_of: dict[int, Room]  # resident id → the room they live in
    male: dict[int, bool]  # resident id → for 先生/女士 in agents' notes
    relation: dict[int, str]
    demo: list[Resident]


def create_residents(sites: dict[str, Site], rng: random.Random, now: datetime) -> People:
    used_phones = {r.phone for r in DEMO_RESIDENTS}
    used_names = {r.name for r in DEMO_RESIDENTS}
    pending: list[tuple[str, Resident, Room, str, bool]] = []
    for spec in DEMO_RESIDENTS:
        room = sites[spec.estate].room(spec.building, spec.unit, spec.room)
        pending.append((spec.estate, Resident(name=spec.name, phone=spec.phone), room,
                        Residency.Relation.OWNER, spec.male))
    for code, count in RESIDENTS_PER_ESTATE.items():
        have = sum(1 for estate, *_ in pending if estate == code)
        rooms = rng.sample(sites[code].rooms, count)
        while have < count:
            room = rooms.pop()
            for relation in _household(rng):
                if have >= count:
                    break
                male = rng.random() < 0.5
                name = _unique_name(rng, male, used_names)
                phone = _unique_mobile(rng, used_phones)
                pending.append((code, Resident(name=name, phone=phone), room, relation, male))
                have += 1
    return _save_residents(pending, rng, now)


def _household(rng: random.Random) -> list[str]:
    owner, tenant, family = (str(Residency.Relation.OWNER), str(Residency.Relation.TENANT),
                             str(Residency.Relation.FAMILY))
    households = [[owner], [owner, family], [tenant], [tenant, family], [owner, family, family]]
    return rng.choices(households, weights=[48, 26, 14, 6, 6])[0]


def _save_residents(pending: list[tuple[str, Resident, Room, str, bool]], rng: random.Random,
                    now: datetime) -> People:
    residents = Resident.objects.bulk_create([resident for _, resident, *_ in pending])
    # Every demo resident has signed in to the portal before: the account the portal
    # would have created (portal.otp._new_user), named the same way and, like it,
    # without a copy of the (encrypted) name.
    unusable = make_password(None)
    users = User.objects.bulk_create([User(username=f"resident-{r.pk}", password=unusable)
                                      for r in residents])
    for resident, user in zip(residents, users, strict=True):
        resident.user = user
        resident.phone_verified_at = now - timedelta(days=rng.randint(1, 400))
    Resident.objects.bulk_update(residents, ["user", "phone_verified_at"])
    Residency.objects.bulk_create([
        Residency(resident=resident, room=room, relation=relation, since=_since(rng, relation, now))
        for resident, (_, _, room, relation, _) in zip(residents, pending, strict=True)])
    people = People(residents={}, rooms_of={}, male={}, relation={}, demo=[])
    for resident, (code, _, room, relation, male) in zip(residents, pending, strict=True):
        people.residents.setdefault(code, []).append(resident)
        people.rooms_of[resident.pk] = room
        people.male[resident.pk] = male
        people.relation[resident.pk] = relation
    people.demo = residents[:len(DEMO_RESIDENTS)]
    return people


def _since(rng: random.Random, relation: str, now: datetime) -> date:
    years = 1.5 if relation == Residency.Relation.TENANT else 9
    return (now - timedelta(days=rng.randint(30, int(365 * years)))).date()


def _unique_name(rng: random.Random, male: bool, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(MALE_NAMES if male else FEMALE_NAMES)
        if name not in used:
            used.add(name)
            return name


def _mobile(rng: random.Random, prefix: str | None = None) -> str:
    return (prefix or rng.choice(MOBILE_PREFIXES)) + f"{rng.randrange(10**8):08d}"


def _unique_mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = _mobile(rng)
        if phone not in used and not phone.startswith("138000000"):
            used.add(phone)
            return phone


def random_mobile(rng: random.Random) -> str:
    """A plausible number for a caller who is not a registered resident."""
    return _mobile(rng)
