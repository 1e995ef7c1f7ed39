"""Generate N complaints of realistic shape, set-based inside the database (issue 7).

    .venv/bin/python bench/gen_complaints.py                       # 1,000,000 on SQLite (bench/out/)
    .venv/bin/python bench/gen_complaints.py --n 100000 --pg postgres://postgres@127.0.0.1:5432/anju_gen

The target database is created fresh (the SQLite file removed, the PostgreSQL database
dropped and created), migrated in a child process, then filled:

* places and people with the ORM (small): one company, 20 estates of 12 buildings × 2 units
  × 24 rooms, a resident per room, 18 facilities per estate (a lift per building, gate,
  garage, clubhouse, pump room, playground, green), 2 handlers per estate and department,
  and a quality user, an estate manager and an engineering supervisor for the dashboards;
* the complaints with one ``INSERT … SELECT`` over a row series (``generate_series`` on
  PostgreSQL, a recursive CTE on SQLite). Every value is a deterministic function of the
  row number (a small integer hash gives the uniform draws), so both databases hold the
  same data. Rows come out in creation order, as a real table fills: created over the last
  24 months with a growth trend, a weekly and a yearly rhythm and a daily profile (morning
  and evening peaks); the 15 TAXONOMY categories with a skewed mix; channels, urgency;
  statuses by age (mostly closed; open, on hold, referred out, withdrawn, merged);
  log-normal times to first feedback and resolution (some late against their due fields,
  some estates slower than others); time on hold; satisfaction mostly 4–5, lower when late;
  reopen counts; repeats of an earlier complaint (~5 %); root causes; handlers and departments;
* one ``SurveyResponse`` per rated complaint, and an earlier dissatisfied answer (with its
  reasons) for each reopened one, again one ``INSERT … SELECT``.

Personal fields hold the encrypted value of placeholders computed once in Python with the
field's own ``get_db_prep_save`` (never plaintext); 200 placeholder contacts give the phone
blind index some spread. Complaint events are not generated (analytics does not read them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
DEFAULT_N = 1_000_000

ESTATES, BUILDINGS, UNITS, FLOORS, PER_FLOOR = 20, 12, 2, 12, 2
ROOMS_PER_BUILDING = UNITS * FLOORS * PER_FLOOR  # 48
SHARED_FACILITIES = ("gate", "garage", "clubhouse", "pump_room", "playground", "green")
FACILITIES_PER_ESTATE = BUILDINGS + len(SHARED_FACILITIES)  # lifts first, then the shared ones
CONTACTS = 200
DAYS = 730
ESTATE_NAMES = ("翠湖苑", "锦绣园", "阳光城", "碧水湾", "金域华府", "万科城", "梧桐苑", "天悦府", "海棠湾",
                "紫荆花园", "御景湾", "香樟园", "星河湾", "丽景苑", "青枫居", "润园", "云栖里", "滨江花园",
                "枫林晚", "书香门第")
# TAXONOMY order; the weights give the skew (repair, utilities, sanitation, parking, noise first).
CATEGORY_WEIGHTS = {"repair": 22, "elevator": 6, "utilities": 12, "public_facility": 6, "sanitation": 11,
                    "greening": 4, "security": 5, "parking": 10, "noise": 9, "renovation": 4, "pets": 3,
                    "fees": 3, "service_attitude": 3, "neighbor_dispute": 2, "out_of_scope": 2}
CATEGORIES = list(CATEGORY_WEIGHTS)
# Complaints per local hour of the day: quiet nights, peaks mid-morning and after work.
HOURLY = (0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 4.0, 4.0, 3.0, 2.2, 2.2, 2.4, 2.4, 2.3, 2.2, 2.8, 4.0,
          4.0, 2.5, 1.2, 0.6)
CHANNEL_WEIGHTS = {"phone": 32, "wechat": 25, "web": 15, "walk_in": 10, "hotline_12345": 7, "sms": 3,
                   "api": 3, "email": 2, "import": 2, "open311": 1}
STATUSES = ("received", "verified", "referred_out", "assigned", "in_progress", "on_hold", "resolved",
            "closed", "withdrawn", "merged")
S = {name: i for i, name in enumerate(STATUSES)}
# Per urgency (urgent, high, normal, low), seconds: medians of the log-normal times and the deadlines.
FEEDBACK_MEDIAN = (480, 1200, 5400, 7200)
WORK_MEDIAN = (9000, 43200, 108000, 216000)
FEEDBACK_DUE = (900, 1800, 14400, 14400)
RESOLVE_DUE = (14400, 86400, 259200, 604800)
ROOT_CAUSE_OF = {"repair": "facility_ageing", "elevator": "facility_ageing", "utilities": "external",
                 "public_facility": "facility_ageing", "sanitation": "process", "greening": "process",
                 "security": "staff_conduct", "parking": "resident_behaviour", "noise": "resident_behaviour",
                 "renovation": "resident_behaviour", "pets": "resident_behaviour", "fees": "process",
                 "service_attitude": "staff_conduct", "neighbor_dispute": "resident_behaviour",
                 "out_of_scope": "third_party"}
ROOT_CAUSES = ("facility_ageing", "workmanship", "staff_conduct", "process", "third_party",
               "resident_behaviour", "construction_defect", "external", "other")
REASONS = ('["speed"]', '["attitude"]', '["quality"]', '["result"]', '["speed", "communication"]',
           '["quality", "result"]', '["attitude", "speed"]', '["communication"]', '[]', '["speed"]')
HASH_P = 2147483647  # 2^31 - 1


# --------------------------------------------------------------------------- SQL dialect


class Dialect:
    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def u(self, k: int) -> str:
        """A uniform draw in [0, 1), the k-th of the row: a non-linear integer hash of g."""
        a, b, c = 48271 + 7919 * k * k, 16807 + 104729 * k, 1000003 * k + 12345
        real = "double precision" if self.pg else "REAL"
        return f"(CAST(((((g * g) % {HASH_P}) * {a} + g * {b} + {c}) % {HASH_P}) AS {real}) / {HASH_P})"

    def floor(self, x: str) -> str:
        return f"CAST(FLOOR({x}) AS BIGINT)" if self.pg else f"CAST({x} AS INTEGER)"

    def ts(self, epoch: str) -> str:
        return f"to_timestamp({epoch})" if self.pg else f"datetime({epoch}, 'unixepoch')"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def seq4(self, x: str) -> str:
        return f"LPAD(CAST({x} AS TEXT), GREATEST(4, LENGTH(CAST({x} AS TEXT))), '0')" if self.pg \
            else f"printf('%04d', {x})"

    def json(self, x: str) -> str:
        return f"CAST({x} AS jsonb)" if self.pg else x

    def subquery(self, sql: str, alias: str) -> str:
        # OFFSET keeps each layer a streamed subquery: the planners would otherwise inline
        # it and compute every derived value once per use.
        return f"({sql} {'OFFSET 0' if self.pg else 'LIMIT -1 OFFSET 0'}) AS {alias}"


def pick(u: str, weights: dict[str, float] | list[float], values: list[str] | None = None) -> str:
    """A CASE choosing ``values`` (the keys by default) with the given weights from draw ``u``."""
    items = list(weights.items()) if isinstance(weights, dict) else list(enumerate(weights))
    total = sum(w for _k, w in items)
    outs = values or [str(k) for k, _w in items]
    parts, acc = [], 0.0
    for (_k, w), out in zip(items[:-1], outs[:-1], strict=True):
        acc += w / total
        parts.append(f"WHEN {u} < {acc:.6f} THEN {out}")
    return f"CASE {' '.join(parts)} ELSE {outs[-1]} END"


def case_of(x: str, values: list[Any] | tuple[Any, ...]) -> str:
    return f"CASE {x} " + " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values)) + " END"


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------- places and people


def _contiguous(objs: list[Any]) -> int:
    ids = [o.pk for o in objs]
    assert ids == list(range(ids[0], ids[0] + len(ids))), "bulk_create gave non-contiguous ids"
    return ids[0]


def create_places() -> dict[str, Any]:
    from anju.estates.models import Building, Company, Estate, Facility, Residency, Resident, Room, Unit

    company = Company.objects.create(name="安居压测物业")
    estates = Estate.objects.bulk_create(
        [Estate(company=company, code=f"bench-{i + 1:02d}", name=ESTATE_NAMES[i % len(ESTATE_NAMES)])
         for i in range(ESTATES)])
    buildings = Building.objects.bulk_create(
        [Building(estate=e, name=f"{b + 1}栋") for e in estates for b in range(BUILDINGS)])
    units = Unit.objects.bulk_create(
        [Unit(building=b, name=f"{u + 1}单元") for b in buildings for u in range(UNITS)])
    rooms = Room.objects.bulk_create(
        [Room(unit=u, number=f"{f + 1}{r + 1:02d}", floor=f + 1)
         for u in units for f in range(FLOORS) for r in range(PER_FLOOR)], batch_size=2000)
    # One resident per room; bulk_create runs each field's pre_save, so names and phones are
    # encrypted and the phone's blind index is computed, as a real intake would store them.
    residents = Resident.objects.bulk_create(
        [Resident(name="压测业主", phone=f"139{i:08d}") for i in range(len(rooms))], batch_size=2000)
    Residency.objects.bulk_create(
        [Residency(resident=p, room=r) for p, r in zip(residents, rooms, strict=True)], batch_size=2000)
    facilities = []
    for i, e in enumerate(estates):
        facilities += [Facility(estate=e, building=buildings[i * BUILDINGS + b], kind="lift",
                                name=f"{b + 1}栋电梯") for b in range(BUILDINGS)]
        facilities += [Facility(estate=e, kind=kind, name=f"{kind}") for kind in SHARED_FACILITIES]
    facilities = Facility.objects.bulk_create(facilities)
    return {"estate": _contiguous(estates), "building": _contiguous(buildings), "room": _contiguous(rooms),
            "resident": _contiguous(residents), "facility": _contiguous(facilities),
            "estate_codes": [e.code for e in estates]}


def create_staff(estate_codes: list[str]) -> dict[str, Any]:
    from django.utils import timezone

    from anju.accounts.models import TwoFactor, User
    from anju.complaints.taxonomy import DEPARTMENTS
    from anju.estates.models import Estate
    from anju.staff.models import Department, Role, StaffProfile

    departments = [Department.objects.get(code=code) for code, _n, _e in DEPARTMENTS]
    estates = list(Estate.objects.filter(code__in=estate_codes).order_by("pk"))
    handlers = User.objects.bulk_create(
        [User(username=f"bench-h{e + 1:02d}-{d.code}-{i}", name=f"{d.name}师傅{e + 1}-{i + 1}",
              password="!")  # noqa: S106 - Django's mark of an unusable password
         for e in range(len(estates)) for d in departments for i in range(2)])
    profiles = StaffProfile.objects.bulk_create([StaffProfile(user=u, role=Role.HANDLER) for u in handlers])
    through_e = StaffProfile.estates.through
    through_d = StaffProfile.departments.through
    through_e.objects.bulk_create([through_e(staffprofile_id=p.pk, estate_id=estates[i // 10].pk)
                                   for i, p in enumerate(profiles)])
    through_d.objects.bulk_create([through_d(staffprofile_id=p.pk, department_id=departments[(i // 2) % 5].pk)
                                   for i, p in enumerate(profiles)])
    quality = User.objects.create_user(username="bench-quality", password=None, name="品质部")
    StaffProfile.objects.create(user=quality, role=Role.QUALITY, all_estates=True)
    # The console asks quality staff for a second factor; a confirmed device lets the
    # benchmark's signed-in test client through, as it does in the test suite.
    TwoFactor.objects.create(user=quality, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",  # noqa: S106
                             confirmed_at=timezone.now())
    manager = User.objects.create_user(username="bench-manager", password=None, name="项目经理")
    StaffProfile.objects.create(user=manager, role=Role.MANAGER).estates.set([estates[0]])
    supervisor = User.objects.create_user(username="bench-supervisor", password=None, name="工程主管")
    profile = StaffProfile.objects.create(user=supervisor, role=Role.SUPERVISOR, all_estates=True)
    profile.departments.set([departments[0]])
    return {"handler": _contiguous(handlers), "departments": [d.pk for d in departments]}


def create_contacts(cursor: Any, connection: Any) -> None:
    """200 placeholder contacts: encrypted once each, with the field's own preparation."""
    from anju.complaints.models import Complaint

    name_f = Complaint._meta.get_field("contact_name")
    phone_f = Complaint._meta.get_field("contact_phone")
    index_f = Complaint._meta.get_field("contact_phone_index")
    cursor.execute("DROP TABLE IF EXISTS bench_contacts")
    cursor.execute("CREATE TABLE bench_contacts "
                   "(k INTEGER PRIMARY KEY, name TEXT, phone TEXT, phone_index TEXT)")
    rows = []
    for k in range(CONTACTS):
        phone = f"138{k:08d}"
        rows.append((k, name_f.get_db_prep_save("压测联系人", connection),
                     phone_f.get_db_prep_save(phone, connection), index_f.digest(phone)))
    cursor.executemany("INSERT INTO bench_contacts VALUES (%s, %s, %s, %s)", rows)


# --------------------------------------------------------------------------- days


def day_table(cursor: Any, n: int, now: datetime, first_g: int) -> int:
    """``bench_days``: each local day of the window that gets rows, with its row range.

    Volume grows 80 % over the two years, is higher on Mondays and lower at weekends,
    higher in summer (water, air conditioning, noise) and low over the Spring Festival.
    Returns the index of today (the last day), whose rows stay before ``now``.
    """
    from django.utils import timezone

    today = timezone.localdate(now)
    weekday = (1.15, 1.05, 1.0, 1.0, 1.0, 0.8, 0.75)
    month = (0.75, 0.7, 0.95, 1.0, 1.05, 1.15, 1.25, 1.2, 1.05, 1.0, 0.95, 0.9)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = (now - midnight).total_seconds()
    days, weights = [], []
    for d in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - d)
        w = (1 + 0.8 * d / (DAYS - 1)) * weekday[day.weekday()] * month[day.month - 1]
        if d == DAYS - 1:
            w *= elapsed / 86400
        days.append(day)
        weights.append(w)
    total = sum(weights)
    cursor.execute("DROP TABLE IF EXISTS bench_days")
    cursor.execute("CREATE TABLE bench_days (k INTEGER PRIMARY KEY, d INTEGER, g_from BIGINT, g_to BIGINT, "
                   "day_start BIGINT, ymd TEXT)")
    rows, acc, done = [], 0.0, 0
    for d, (day, w) in enumerate(zip(days, weights, strict=True)):
        acc += w
        upto = n if d == DAYS - 1 else round(n * acc / total)
        if upto > done:
            start = datetime(day.year, day.month, day.day, tzinfo=timezone.get_default_timezone())
            rows.append((len(rows), d, first_g + done, first_g + upto - 1, int(start.timestamp()),
                         day.strftime("%Y%m%d")))
            done = upto
    cursor.executemany("INSERT INTO bench_days VALUES (%s, %s, %s, %s, %s, %s)", rows)
    return int(elapsed)


# --------------------------------------------------------------------------- complaints


def complaint_sql(dia: Dialect, *, n: int, first_g: int, now_epoch: int, elapsed: int, ids: dict[str, Any],
                  categories: list[tuple[int, int]], descriptions: list[str]) -> tuple[str, list[str]]:
    """The INSERT … SELECT of the complaints; returns (sql, column names in order)."""
    u = dia.u
    fl = dia.floor
    # Layer 1: the row number, its day and contact, and the uniform draws.
    if dia.pg:
        source = ("bench_days bd CROSS JOIN LATERAL generate_series(bd.g_from, bd.g_to) AS s(g) "
                  f"JOIN bench_contacts ct ON ct.k = s.g % {CONTACTS}")
        with_ = ""
    else:
        with_ = ("WITH RECURSIVE s(g, k, g_to) AS ("
                 f"SELECT {first_g}, 0, (SELECT g_to FROM bench_days WHERE k = 0) UNION ALL "
                 "SELECT g + 1, CASE WHEN g + 1 > g_to THEN k + 1 ELSE k END, "
                 "CASE WHEN g + 1 > g_to THEN (SELECT b.g_to FROM bench_days b WHERE b.k = s.k + 1) "
                 "ELSE g_to END "
                 f"FROM s WHERE g < {first_g + n - 1}) ")
        source = f"s JOIN bench_days bd ON bd.k = s.k JOIN bench_contacts ct ON ct.k = s.g % {CONTACTS}"
    draws = ", ".join(f"{u(k)} AS u{k}" for k in range(30))
    l1 = (f"SELECT s.g AS g, bd.d AS d, bd.day_start AS day_start, bd.ymd AS ymd, "
          f"s.g - bd.g_from + 1 AS seq, bd.g_to - bd.g_from + 1 AS cnt, "
          f"ct.name AS c_name, ct.phone AS c_phone, ct.phone_index AS c_index, {draws} FROM {source}")
    keep = "l1.*"
    # Layer 2: where, what, when (seconds of the local day), how urgent.
    cat = pick("u3", list(CATEGORY_WEIGHTS.values()))
    # Within a day, times follow the daily profile and rise with the row number, so the
    # table's physical order is the order of arrival, as in a real table.
    p = "((seq - 0.5) / cnt)"
    total = sum(HOURLY)
    parts, acc = [], 0.0
    for hour, w in enumerate(HOURLY):
        share = w / total
        parts.append(f"WHEN {p} < {acc + share:.8f} "
                     f"THEN {hour * 3600} + ({p} - {acc:.8f}) * {3600 / share:.4f}")
        acc += share
    sec_day = f"CASE {' '.join(parts)} ELSE 86399 END"
    sec = f"CASE WHEN d = {DAYS - 1} THEN {p} * {max(elapsed - 120, 1)} ELSE {sec_day} END"
    l2 = (f"SELECT {keep}, {fl(f'{ESTATES} * (0.35 * u0 + 0.65 * u0 * u0)')} AS est, "
          f"{fl(f'{BUILDINGS} * u1')} AS bno, {fl(f'{ROOMS_PER_BUILDING} * u2')} AS rno, {cat} AS cat, "
          f"{fl(sec)} AS sec, {DAYS - 1} - d AS age, "
          f"(u10 + u11 + u12 - 1.5) * 2 AS z1, (u13 + u14 + u15 - 1.5) * 2 AS z2 "
          f"FROM {dia.subquery(l1, 'l1')}")
    # Layer 3: urgency, status, durations.
    urgency = ("CASE WHEN u7 < (CASE WHEN cat IN (1, 2) THEN 0.10 ELSE 0.03 END) THEN 0 "
               "WHEN u7 < (CASE WHEN cat IN (1, 2, 6) THEN 0.30 ELSE 0.15 END) THEN 1 "
               "WHEN u7 < 0.85 THEN 2 ELSE 3 END")
    status = (f"CASE WHEN cat = 14 AND u8 < 0.85 THEN {S['referred_out']} "
              f"WHEN u9 < 0.02 THEN {S['withdrawn']} WHEN u9 < 0.035 THEN {S['merged']} "
              f"WHEN age = 0 THEN {pick('u8', [25, 10, 20, 30, 5, 10], ['0', '1', '3', '4', '5', '6'])} "
              f"WHEN age <= 2 THEN {pick('u8', [5, 25, 8, 30, 32], ['3', '4', '5', '6', '7'])} "
              f"WHEN age <= 13 THEN {pick('u8', [6, 4, 15, 75], ['4', '5', '6', '7'])} "
              f"WHEN age <= 59 THEN {pick('u8', [1, 1, 3, 95], ['4', '5', '6', '7'])} "
              f"ELSE {pick('u8', [0.2, 0.3, 99.5], ['5', '6', '7'])} END")
    slow = "(0.7 + 0.07 * (est % 10))"  # some estates answer and fix more slowly than others
    l3 = (f"SELECT l2.*, day_start + sec AS created, {urgency} AS urg, {status} AS st, "
          f"CASE WHEN u16 < 0.08 THEN 7200 + {fl('u17 * 252000')} ELSE 0 END AS held "
          f"FROM {dia.subquery(l2, 'l2')}")
    fb_median, work_median = case_of("urg", FEEDBACK_MEDIAN), case_of("urg", WORK_MEDIAN)
    l4 = (f"SELECT l3.*, {fl(f'{fb_median} * {slow} * EXP(z1)')} + 30 AS fb, "
          f"{fl(f'{work_median} * {slow} * EXP(0.9 * z2)')} + 300 AS work "
          f"FROM {dia.subquery(l3, 'l3')}")
    late = f"(fb + work > {case_of('urg', RESOLVE_DUE)})"
    stars_ok = pick("u20", [2, 3, 8, 27, 60], ["1", "2", "3", "4", "5"])
    stars_late = pick("u20", [6, 8, 16, 32, 38], ["1", "2", "3", "4", "5"])
    l5 = (f"SELECT l4.*, {late} AS late, CASE WHEN st = {S['closed']} AND u19 < 0.75 THEN "
          f"CASE WHEN {late} THEN {stars_late} ELSE {stars_ok} END END AS stars "
          f"FROM {dia.subquery(l4, 'l4')}")

    now_cap = now_epoch - 60

    def at(offset: str) -> str:
        return dia.ts(dia.least(f"created + {offset}", str(now_cap)))

    finished = f"st IN ({S['resolved']}, {S['closed']})"
    assigned = "st IN (3, 4, 5, 6, 7) OR (st IN (8, 9) AND u25 < 0.5)"
    resolved = "fb + held + work"
    closed_after = (f"CASE st WHEN {S['closed']} THEN {resolved} + 7200 + {fl('u17 * 165600')} "
                    f"WHEN {S['referred_out']} THEN fb WHEN {S['withdrawn']} THEN fb + {fl('u17 * 86400')} "
                    f"WHEN {S['merged']} THEN 600 + {fl('u17 * 7200')} END")
    has_room = "cat IN (0, 2, 8, 9, 10, 11, 13) AND u23 < 0.85"
    room_no = f"est * {BUILDINGS * ROOMS_PER_BUILDING} + bno * {ROOMS_PER_BUILDING} + rno"
    fac = (f"CASE WHEN cat = 1 THEN bno WHEN cat = 3 THEN (CASE WHEN u23 < 0.4 THEN {BUILDINGS} "
           f"WHEN u23 < 0.7 THEN {BUILDINGS + 4} ELSE bno END) "
           f"WHEN cat = 7 AND u23 < 0.7 THEN {BUILDINGS + 1} WHEN cat = 5 AND u23 < 0.8 THEN {BUILDINGS + 5} "
           f"WHEN cat = 2 AND u23 >= 0.85 THEN {BUILDINGS + 3} END")
    cat_id = case_of("cat", [str(c) for c, _d in categories])
    dept_no = case_of("cat", [str(d) for _c, d in categories])
    dept_id = case_of(dept_no, [str(pk) for pk in ids["departments"]])
    root = (f"CASE WHEN u24 < 0.55 THEN {case_of('cat', [lit(ROOT_CAUSE_OF[c]) for c in CATEGORIES])} ELSE "
            f"{pick('((u24 - 0.55) / 0.45)', [1] * len(ROOT_CAUSES), [lit(r) for r in ROOT_CAUSES])} END")
    description = case_of("cat", [lit(t) for t in descriptions])
    repeat = f"CASE WHEN u22 < 0.05 AND g > {first_g + 2000} THEN g - 1 - {fl('u21 * 1500')} END"
    cols = {
        "id": "g",
        "number": f"'TS' || ymd || {dia.seq4('seq')}",
        "status": case_of("st", [lit(s) for s in STATUSES]),
        "version": "1 + st",
        "channel": pick("u26", CHANNEL_WEIGHTS, [lit(c) for c in CHANNEL_WEIGHTS]),
        "estate_id": f"{ids['estate']} + est",
        "resident_id": f"CASE WHEN {has_room} AND u25 < 0.7 THEN {ids['resident']} + {room_no} END",
        "contact_name": f"CASE WHEN {has_room} AND u25 < 0.7 THEN '' ELSE c_name END",
        "contact_phone": f"CASE WHEN {has_room} AND u25 < 0.7 THEN '' ELSE c_phone END",
        "contact_phone_index": f"CASE WHEN {has_room} AND u25 < 0.7 THEN NULL ELSE c_index END",
        "anonymous": "(u27 >= 0.005 AND u27 < 0.025)",
        "confidential": "(u27 < 0.005)",
        "room_id": f"CASE WHEN {has_room} THEN {ids['room']} + {room_no} END",
        "building_id": (f"CASE WHEN ({has_room}) OR cat = 1 OR u23 < 0.6 "
                        f"THEN {ids['building']} + est * {BUILDINGS} + bno END"),
        "facility_id": f"{ids['facility']} + est * {FACILITIES_PER_ESTATE} + {fac}",
        "occurred_at": dia.ts(f"created - {fl('u29 * 7200')}"),
        "category_id": f"CASE WHEN st = 0 THEN NULL ELSE {cat_id} END",
        "urgency": case_of("urg", ["'urgent'", "'high'", "'normal'", "'low'"]),
        "in_scope": f"CASE WHEN st = 0 THEN NULL ELSE st <> {S['referred_out']} END",
        "scope_reason": f"CASE WHEN st = {S['referred_out']} THEN '不属于物业服务范畴' ELSE '' END",
        "referral_advice": f"CASE WHEN st = {S['referred_out']} THEN '请联系开发商或有关部门' ELSE '' END",
        "department_id": f"CASE WHEN {assigned} THEN {dept_id} END",
        "handler_id": f"CASE WHEN {assigned} THEN {ids['handler']} + (est * 5 + {dept_no}) * 2 + g % 2 END",
        "plan": f"CASE WHEN {assigned} THEN '安排上门处理' ELSE '' END",
        "result": f"CASE WHEN {finished} THEN '已处理完毕' ELSE '' END",
        "root_cause": f"CASE WHEN {finished} THEN {root} ELSE '' END",
        "escalated": "((late AND u28 < 0.3) OR u28 < 0.02)",
        "merged_into_id": (f"CASE WHEN st = {S['merged']} AND g > {first_g + 100} "
                           f"THEN g - 1 - {fl('u29 * 50')} END"),
        "repeat_of_id": repeat,
        "status_before_hold": f"CASE WHEN st = {S['on_hold']} THEN 'in_progress' ELSE '' END",
        "reopen_count": (f"CASE WHEN NOT ({finished}) THEN 0 "
                         "WHEN stars <= 2 THEN (CASE WHEN u21 < 0.2 THEN 2 ELSE 1 END) "
                         "WHEN u21 < 0.03 THEN 1 WHEN u21 < 0.036 THEN 2 ELSE 0 END"),
        "feedback_due_at": dia.ts(f"created + {case_of('urg', FEEDBACK_DUE)}"),
        "onsite_due_at": f"CASE WHEN urg = 0 THEN {dia.ts('created + 1800')} END",
        "resolve_due_at": dia.ts(f"created + {case_of('urg', RESOLVE_DUE)}"),
        "visit_due_at": f"CASE WHEN {finished} THEN {at(f'{resolved} + 172800')} END",
        "first_feedback_at": (f"CASE WHEN st IN (0, 1) OR (st IN (8, 9) AND u25 < 0.3) THEN NULL "
                              f"ELSE {at('fb')} END"),
        "assigned_at": f"CASE WHEN {assigned} THEN {at('fb')} END",
        "resolved_at": f"CASE WHEN {finished} THEN {at(resolved)} END",
        "closed_at": f"CASE WHEN st IN (2, 7, 8, 9) THEN {at(closed_after)} END",
        "hold_started_at": f"CASE WHEN st = {S['on_hold']} THEN {at('fb + 3600')} END",
        "held_seconds": f"CASE WHEN {finished} THEN held ELSE 0 END",
        "satisfaction": "stars",
        "solved": "CASE WHEN stars IS NOT NULL THEN stars >= 3 END",
        "satisfaction_comment": "''",
        "created_by_id": "NULL",
        "idempotency_key": "NULL",
        "created_at": dia.ts("created"),
        "updated_at": dia.ts(dia.least(f"created + COALESCE({closed_after}, CASE WHEN {finished} "
                                       f"THEN {resolved} END, fb)", str(now_cap))),
        "title": "''",
        "description": description,
    }
    from anju.complaints.models import Complaint

    fields = {f.column for f in Complaint._meta.concrete_fields}
    missing = fields - set(cols)
    # Fields without a figure take their default (empty encrypted text, NULL coordinates).
    for f in Complaint._meta.concrete_fields:
        if f.column in missing:
            cols[f.column] = "NULL" if f.null else "''"
    unknown = set(cols) - fields
    assert not unknown, unknown
    names = list(cols)
    sql = (f"{with_}INSERT INTO complaints_complaint ({', '.join(names)}) "
           f"SELECT {', '.join(cols[c] for c in names)} FROM {dia.subquery(l5, 'l5')}")
    return sql, names


def survey_sql(dia: Dialect, first_g: int) -> list[str]:
    reasons = dia.json(case_of("id % 10", [lit(r) for r in REASONS]))
    cols = ("complaint_id, visit_id, event_id, source, stars, solved, reasons, comment, dissatisfied, "
            "estate_id, department_id, category_id, handler_id, recorded_by_id, created_at")
    final = (f"INSERT INTO visits_surveyresponse ({cols}) SELECT id, NULL, NULL, "
             f"CASE WHEN id % 5 = 0 THEN 'link' ELSE 'call' END, satisfaction, solved, "
             f"CASE WHEN satisfaction <= 3 THEN {reasons} ELSE {dia.json(lit('[]'))} END, '', "
             f"(satisfaction <= 2 OR NOT solved), estate_id, department_id, category_id, handler_id, NULL, "
             f"closed_at FROM complaints_complaint WHERE id >= {first_g} AND satisfaction IS NOT NULL")
    # The answer that reopened a complaint: dissatisfied, with its reasons, before the final one.
    earlier = (f"INSERT INTO visits_surveyresponse ({cols}) SELECT id, NULL, NULL, 'call', 1 + id % 2, "
               f"{'false' if dia.pg else '0'}, {dia.json(case_of('id % 8', [lit(r) for r in REASONS[:8]]))}, "
               f"'', {'true' if dia.pg else '1'}, estate_id, department_id, category_id, handler_id, NULL, "
               f"resolved_at FROM complaints_complaint WHERE id >= {first_g} AND reopen_count > 0 "
               f"AND resolved_at IS NOT NULL")
    return [final, earlier]


def secondary_indexes(cursor: Any, dia: Dialect, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that back no constraint."""
    if dia.pg:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                       "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
    else:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                       "AND sql IS NOT NULL", [table])
    return list(cursor.fetchall())


def generate(n: int, now: datetime | None = None) -> dict[str, Any]:
    """Fill the (migrated, empty of bench data) database with ``n`` complaints. In-process."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from anju.complaints.models import Category, Complaint
    from anju.complaints.taxonomy import CATEGORIES as TAXONOMY
    from anju.complaints.taxonomy import DEPARTMENTS
    from anju.visits.models import SurveyResponse

    now = (now or timezone.now()).replace(microsecond=0)
    dia = Dialect(connection.vendor)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT exp(1)")  # needs SQLite's math functions (3.35+, default build)
    timings = {}
    t0 = time.perf_counter()
    with transaction.atomic():
        places = create_places()
        staff = create_staff(places["estate_codes"])
        ids = {**places, **staff}
        dept_codes = [code for code, _n, _e in DEPARTMENTS]
        by_code = {c.code: c for c in Category.objects.select_related("department")}
        categories = [(by_code[c].pk, dept_codes.index(by_code[c].department.code)) for c in CATEGORIES]
        typical = {code: f"{name}：{text}" for code, name, _e, _d, text in TAXONOMY}
        descriptions = [typical[c] for c in CATEGORIES]
        first_g = (Complaint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        with connection.cursor() as cursor:
            create_contacts(cursor, connection)
            elapsed = day_table(cursor, n, now, first_g)
            timings["places_s"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            sql, _cols = complaint_sql(dia, n=n, first_g=first_g, now_epoch=int(now.timestamp()),
                                       elapsed=elapsed, ids=ids, categories=categories,
                                       descriptions=descriptions)
            if dia.pg:
                # Consistent by construction: skip the per-row foreign-key triggers of the load.
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            # A bulk load: drop the secondary indexes and build them again afterwards (a sort
            # each), rather than updating some 25 B-trees row by row.
            indexes = secondary_indexes(cursor, dia, Complaint._meta.db_table)
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            cursor.execute(sql)
            timings["complaints_s"] = time.perf_counter() - t1
            t1 = time.perf_counter()
            for _name, definition in indexes:
                cursor.execute(definition)
            timings["indexes_s"] = time.perf_counter() - t1
            t2 = time.perf_counter()
            for statement in survey_sql(dia, first_g):
                cursor.execute(statement)
            timings["surveys_s"] = time.perf_counter() - t2
            cursor.execute("DROP TABLE bench_days")
            cursor.execute("DROP TABLE bench_contacts")
            for statement in connection.ops.sequence_reset_sql(no_style(), [Complaint, SurveyResponse]):
                cursor.execute(statement)
    t3 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = time.perf_counter() - t3
    timings["total_s"] = time.perf_counter() - t0
    return {"database": connection.vendor, "complaints": Complaint.objects.count(),
            "surveys": SurveyResponse.objects.count(), "now": now.isoformat(), **timings}


# --------------------------------------------------------------------------- processes


def env_for(db_url: str, data_dir: Path) -> dict[str, str]:
    """The child's environment. Keys live in ``data_dir`` (development key files), so a
    database generated once can be reused by later runs and still decrypt."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"ANJU_DATA_KEYS", "ANJU_DATA_KEY_FILE", "ANJU_INDEX_KEY", "SECRET_KEY", "ANJU_ENV"}}
    data_dir.mkdir(parents=True, exist_ok=True)
    env.update({"DATABASE_URL": db_url, "ANJU_DATA_DIR": str(data_dir),
                "ANJU_MEDIA_DIR": str(data_dir / "media"), "DJANGO_SETTINGS_MODULE": "anju.settings",
                "LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO)})
    return env


def fresh_database(db_url: str) -> None:
    if db_url.startswith("sqlite:///"):
        path = Path(db_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    sys.path.insert(0, str(HERE))
    from sla import pg_admin  # the same drop/create as the SLA benchmark

    pg_admin(db_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    pg_admin(db_url, "CREATE DATABASE {}")


def pg_reachable(url: str) -> None:
    """Raise unless the PostgreSQL server of ``url`` answers."""
    import psycopg

    with psycopg.connect(urlparse(url)._replace(path="/postgres").geturl(), connect_timeout=3):
        pass


def run_child(args: list[str], env: dict[str, str], script: Path | None = None) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(script or Path(__file__)), *args], env=env, cwd=REPO,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_generate(n: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0
    return {**generate(n), "migrate_s": migrate_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="complaints (default 1,000,000)")
    parser.add_argument("--pg", help="a PostgreSQL URL: that database is dropped and generated")
    parser.add_argument("--sqlite", type=Path, default=OUT / "gen" / "complaints.sqlite3",
                        help="the SQLite file to generate (when --pg is not given)")
    parser.add_argument("--data-dir", type=Path, default=OUT / "gen",
                        help="ANJU_DATA_DIR of the child: its development keys decrypt the data")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child_generate(args.child)))
        return 0
    url = args.pg or f"sqlite:///{args.sqlite.resolve()}"
    fresh_database(url)
    result = run_child(["--child", str(args.n)], env_for(url, args.data_dir.resolve()))
    print(json.dumps(result, indent=2))
    per_s = result["complaints"] / max(result["complaints_s"], 1e-9)
    print(f"generated {result['complaints']:,} complaints on {result['database']} "
          f"in {result['total_s']:.1f} s ({per_s:,.0f}/s for the complaint INSERT)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
