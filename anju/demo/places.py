"""The demo company, its two estates and everything built on them, created in bulk.

About two thousand rooms are written with ``bulk_create`` in a handful of statements,
so this part takes well under a second even on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from anju.estates.models import Building, Company, Estate, Facility, Room, Unit

COMPANY = "安居物业服务有限公司"
COMPANY_HOTLINE = "400-800-6688"


@dataclass(frozen=True)
class EstateSpec:
    code: str
    name: str
    address: str
    phone: str
    # (building, units, floors, rooms per floor); no 4栋, as many Chinese estates skip it.
    buildings: tuple[tuple[str, int, int, int], ...]
    gates: tuple[str, ...]
    areas: tuple[Decimal, ...]  # flat sizes by position on the floor


ESTATES = (
    EstateSpec(
        "cuihu", "翠湖苑", "南山区翠湖路88号", "0755-86001234",
        (("1栋", 2, 18, 2), ("2栋", 2, 18, 2), ("3栋", 2, 24, 2), ("5栋", 2, 24, 2),
         ("6栋", 2, 26, 2), ("7栋", 2, 26, 2), ("8栋", 2, 26, 2), ("9栋", 2, 18, 2),
         ("10栋", 2, 18, 2), ("11栋", 2, 24, 2)),
        ("南门", "北门", "东门人行口"),
        (Decimal("89.50"), Decimal("126.30")),
    ),
    EstateSpec(
        "jinxiu", "锦绣园", "福田区锦绣大道166号", "0755-83005678",
        (("1栋", 2, 33, 2), ("2栋", 2, 30, 2), ("3栋", 2, 30, 2), ("5栋", 3, 33, 2),
         ("6栋", 2, 18, 4), ("7栋", 2, 18, 4), ("8栋", 2, 26, 2), ("9栋", 2, 26, 2)),
        ("正门", "西门", "车库出入口"),
        (Decimal("118.70"), Decimal("95.20"), Decimal("95.20"), Decimal("68.40")),
    ),
)

SHARED_FACILITIES = (
    (Facility.Kind.GARAGE, "地下车库A区"),
    (Facility.Kind.GARAGE, "地下车库B区"),
    (Facility.Kind.CLUBHOUSE, "会所"),
    (Facility.Kind.PUMP_ROOM, "水泵房"),
    (Facility.Kind.PLAYGROUND, "儿童游乐场"),
    (Facility.Kind.PLAYGROUND, "健身广场"),
    (Facility.Kind.GREEN, "中心花园"),
)


@dataclass
class Site:
    """One estate as the rest of the demo sees it: objects grouped for quick picking."""

    estate: Estate
    buildings: list[Building] = field(default_factory=list)
    units: dict[int, list[Unit]] = field(default_factory=dict)  # building id → units
    rooms: list[Room] = field(default_factory=list)
    rooms_by_key: dict[tuple[str, str, str], Room] = field(default_factory=dict)
    facilities: dict[str, list[Facility]] = field(default_factory=dict)  # kind → facilities
    lifts: dict[int, list[Facility]] = field(default_factory=dict)  # building id → lifts

    def room(self, building: str, unit: str, number: str) -> Room:
        return self.rooms_by_key[(building, unit, number)]


def create_places() -> dict[str, Site]:
    company = Company.objects.create(name=COMPANY, hotline=COMPANY_HOTLINE)
    return {spec.code: _create_estate(company, spec) for spec in ESTATES}


def _create_estate(company: Company, spec: EstateSpec) -> Site:
    estate = Estate.objects.create(company=company, code=spec.code, name=spec.name,
                                   address=spec.address, phone=spec.phone)
    site = Site(estate)
    floors = {name: floors for name, _, floors, _ in spec.buildings}
    site.buildings = Building.objects.bulk_create(
        Building(estate=estate, name=name, floors=floors[name]) for name, *_ in spec.buildings)
    units = Unit.objects.bulk_create(
        Unit(building=building, name=f"{n}单元")
        for building, (_, count, _, _) in zip(site.buildings, spec.buildings, strict=True)
        for n in range(1, count + 1))
    for unit in units:
        site.units.setdefault(unit.building.pk, []).append(unit)
    rooms = []
    for building, (_, _, top, per_floor) in zip(site.buildings, spec.buildings, strict=True):
        for unit in site.units[building.pk]:
            for floor in range(1, top + 1):
                for position in range(per_floor):
                    rooms.append(Room(unit=unit, number=f"{floor}{position + 1:02d}", floor=floor,
                                      area_m2=spec.areas[position % len(spec.areas)]))
    site.rooms = Room.objects.bulk_create(rooms, batch_size=500)
    for room in site.rooms:
        site.rooms_by_key[(room.unit.building.name, room.unit.name, room.number)] = room
    _create_facilities(site, spec)
    return site


def _create_facilities(site: Site, spec: EstateSpec) -> None:
    facilities = []
    for building in site.buildings:
        for unit in site.units[building.pk]:
            lifts = 2 if (building.floors or 0) > 18 else 1
            facilities += [Facility(estate=site.estate, building=building, kind=Facility.Kind.LIFT,
                                    name=f"{building.name}{unit.name}{n}号电梯")
                           for n in range(1, lifts + 1)]
    facilities += [Facility(estate=site.estate, kind=Facility.Kind.GATE, name=gate)
                   for gate in spec.gates]
    facilities += [Facility(estate=site.estate, kind=kind, name=name)
                   for kind, name in SHARED_FACILITIES]
    for facility in Facility.objects.bulk_create(facilities):
        site.facilities.setdefault(facility.kind, []).append(facility)
        if facility.kind == Facility.Kind.LIFT and facility.building_id is not None:
            site.lifts.setdefault(facility.building_id, []).append(facility)
