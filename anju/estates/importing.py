"""Importing rooms and residents of an estate from a spreadsheet (.xlsx) or a CSV file.

A headings row (after any title rows) names the columns, in Chinese or English
(楼栋/building, 单元/unit, 房号/room, 楼层/floor, 面积/area; for residents also
姓名/name, 手机/phone, 关系/relation). Every data row is imported in its own savepoint, so a bad row leaves
nothing of itself behind and never stops the good rows; what is already there is
skipped and reported, not duplicated, so an import can be run again safely.

The functions return an ``ImportResult`` (counts and row-by-row problems) and never
print: ``anju import`` is a thin wrapper, and the admin or the API can reuse them.
Messages are lazy translations, rendered in the language of whoever reads them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from anju.estates.models import Building, Estate, Residency, Resident, Room, Unit
from anju.lib import phones
from anju.lib.errors import DomainError

Row = tuple[int, dict[str, str]]  # the row's number as the spreadsheet shows it, field → text
Progress = Callable[[Iterable[Row]], Iterable[Row]]


class UnreadableFile(DomainError):
    """The file as a whole cannot be imported: not a table, unknown encoding, columns missing."""

    code = "unreadable_file"
    http_status = 400
    default_message = _("The file could not be read.")


# --------------------------------------------------------------------------- columns

FIELD_LABELS = {
    "building": _("building"),
    "unit": _("unit"),
    "room": _("room"),
    "floor": _("floor"),
    "area": _("area"),
    "name": _("name"),
    "phone": _("phone"),
    "relation": _("relation"),
}

ALIASES = {
    "building": ["楼栋", "楼栋号", "楼号", "栋", "栋号", "楼宇", "building", "building no", "bldg"],
    "unit": ["单元", "单元号", "unit", "unit no"],
    "room": ["房号", "房间号", "房间", "房屋", "门牌号", "室号", "room", "room no", "room number",
             "number"],
    "floor": ["楼层", "层", "所在楼层", "floor"],
    "area": ["面积", "建筑面积", "房屋面积", "area", "area m2", "area sqm"],
    "name": ["姓名", "名字", "住户姓名", "业主姓名", "name", "full name"],
    "phone": ["手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "phone", "mobile",
              "phone number", "mobile phone"],
    "relation": ["关系", "身份", "住户类型", "类型", "relation", "relationship", "type"],
}

# What each kind of import needs, and what it can use besides.
KIND_FIELDS = {
    "rooms": ({"building", "room"}, {"unit", "floor", "area"}),
    "residents": ({"building", "room", "name", "phone"}, {"unit", "relation"}),
}

_NOISE = re.compile(r"[\s*_\-:：]|[(（][^)）]*[)）]")


def _header_key(text: str) -> str:
    """'面积（㎡）', ' Area_m2 ', '*房号' → comparable keys, so people's headings match."""
    return _NOISE.sub("", text.strip().lower())


_LOOKUP = {_header_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}


# --------------------------------------------------------------------------- reading


@dataclass
class Table:
    """A file's data rows, mapped to field names. ``rows`` can be iterated once."""

    columns: dict[str, str]  # field → heading as written in the file
    rows: Iterator[Row]
    total: int | None = None  # number of data rows when known cheaply (for a progress bar)
    ignored: list[str] = field(default_factory=list)  # headings we did not recognise

    def label(self, name: str) -> str:
        return self.columns.get(name) or str(FIELD_LABELS.get(name, name))


def read_table(source: str | Path | IO[bytes], *, kind: str, filename: str = "") -> Table:
    """Open ``source`` (a path or a binary file) as a table for an import of ``kind``.

    The heading row may follow a few title rows. Raises ``UnreadableFile`` when the
    file is no table we can read or lacks a column the import needs.
    """
    name = filename or (str(source) if isinstance(source, str | Path) else getattr(source, "name", ""))
    suffix = Path(str(name)).suffix.lower()
    if suffix == ".xls":
        raise UnreadableFile(_("Old .xls workbooks are not supported: please save the file as "
                               ".xlsx or CSV."))
    data = _read_bytes(source)
    if suffix in (".xlsx", ".xlsm") or (not suffix and data[:2] == b"PK"):
        rows, total = _xlsx_rows(data)
    else:
        rows, total = _csv_rows(data)
    return _map_columns(rows, total, kind)


def _read_bytes(source: str | Path | IO[bytes]) -> bytes:
    try:
        if isinstance(source, str | Path):
            return Path(source).read_bytes()
        return source.read()
    except OSError as exc:
        raise UnreadableFile(_("The file could not be opened: %(error)s"),
                             error=exc.strerror or str(exc)) from None


def _xlsx_rows(data: bytes) -> tuple[Iterator[list[Any]], int | None]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise UnreadableFile(_("This is not an Excel workbook (.xlsx) we can read.")) from None
    sheet = book.active
    if sheet is None:
        raise UnreadableFile(_("The workbook has no worksheet."))

    def generate() -> Iterator[list[Any]]:
        try:
            yield from (list(row) for row in sheet.iter_rows(values_only=True))
        finally:
            book.close()  # read-only workbooks keep the archive open until closed

    return generate(), sheet.max_row


def _csv_rows(data: bytes) -> tuple[Iterator[list[Any]], int | None]:
    text = _decode(data)
    first_line = text[:4096].splitlines()[0] if text.strip() else ""
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, ",\t;")
    except csv.Error:
        dialect = csv.excel
    lines = list(csv.reader(io.StringIO(text), dialect))
    return iter(lines), len(lines)


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV in GBK/GB18030; everything else is UTF-8 (with BOM or not).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The text encoding of the file is not recognised: please save it "
                           "as UTF-8 or GB18030 CSV, or as .xlsx."))


HEADER_SEARCH = 10  # rows looked at for the headings (titles often come first)


@dataclass
class _Headings:
    row: int
    positions: dict[str, int]
    columns: dict[str, str]
    ignored: list[str]


def _headings(cells: list[Any], row: int, wanted: set[str]) -> _Headings:
    found = _Headings(row, {}, {}, [])
    for position, cell in enumerate(cells):
        heading = _text(cell)
        name = _LOOKUP.get(_header_key(heading))
        if name in wanted and name not in found.positions:
            found.positions[name], found.columns[name] = position, heading
        elif heading:
            found.ignored.append(heading)
    return found


def _map_columns(rows: Iterator[list[Any]], total: int | None, kind: str) -> Table:
    required, optional = KIND_FIELDS[kind]
    best: _Headings | None = None
    for row, cells in enumerate(rows, start=1):
        candidate = _headings(cells, row, required | optional)
        if best is None or len(required & candidate.positions.keys()) > len(
                required & best.positions.keys()):
            best = candidate
        if required <= candidate.positions.keys() or row >= HEADER_SEARCH:
            break
    if best is None:
        raise UnreadableFile(_("The file is empty."))
    missing = [str(FIELD_LABELS[name]) for name in sorted(required - best.positions.keys())]
    if missing:
        raise UnreadableFile(
            _("The headings row must name the columns; missing: %(columns)s. Accepted names "
              "include 楼栋/building, 单元/unit, 房号/room, 楼层/floor, 面积/area, 姓名/name, "
              "手机/phone and 关系/relation."), columns=", ".join(missing))
    headings = best

    def generate() -> Iterator[Row]:
        for index, raw in enumerate(rows, start=headings.row + 1):
            values = {name: _text(raw[pos]) if pos < len(raw) else ""
                      for name, pos in headings.positions.items()}
            if any(values.values()):  # blank lines are not rows
                yield index, values

    return Table(columns=headings.columns, rows=generate(),
                 total=total - headings.row if total else None, ignored=headings.ignored)


def _text(value: Any) -> str:
    """A cell as people read it: Excel's 101.0 is "101", a phone 13800001111.0 is digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RowIssue:
    row: int
    column: str  # the heading as written in the file; '' when about the whole row
    text: Any  # a lazy translation with %(name)s placeholders
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(self.text) % self.params if self.params else str(self.text)


@dataclass
class ImportResult:
    kind: str
    rows: int = 0  # data rows read
    created: int = 0  # rooms or residencies created
    buildings_created: int = 0
    units_created: int = 0
    residents_created: int = 0
    skipped: list[RowIssue] = field(default_factory=list)  # already there: not an error
    errors: list[RowIssue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def failed_rows(self) -> int:
        return len({issue.row for issue in self.errors})


class RowProblem(Exception):
    def __init__(self, field_name: str, text: Any, /, **params: Any) -> None:
        super().__init__(field_name)
        self.field_name, self.text, self.params = field_name, text, params


@dataclass
class Outcome:
    """What one row did; counted only once the row's savepoint has been released."""

    created: bool = False
    skipped: Any = None  # a lazy message when the row was already there
    params: dict[str, Any] = field(default_factory=dict)
    buildings: int = 0
    units: int = 0
    residents: int = 0


# --------------------------------------------------------------------------- places


class Places:
    """The estate's buildings, units and rooms in dicts, so thousands of rows cost no lookups.

    Objects created by a row are staged and forgotten again if its savepoint rolls
    back, so the cache never points at rows the database no longer has.
    """

    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self.buildings = {b.name: b for b in Building.objects.filter(estate=estate)}
        self.units = {(u.building_id, u.name): u for u in Unit.objects.filter(building__estate=estate)}
        self.rooms: dict[tuple[str, str, str], int] = {
            (b, u, n): pk for b, u, n, pk in Room.objects.filter(unit__building__estate=estate)
            .values_list("unit__building__name", "unit__name", "number", "pk")}
        self._staged: list[tuple[dict, Any]] = []

    def room_id(self, building: str, unit: str, number: str) -> int | None:
        return self.rooms.get((building, unit, number))

    def building(self, name: str, outcome: Outcome) -> Building:
        building = self.buildings.get(name)
        if building is None:
            building = Building.objects.create(estate=self.estate, name=name)
            self._stage(self.buildings, name, building)
            outcome.buildings += 1
        return building

    def unit(self, building: Building, name: str, outcome: Outcome) -> Unit:
        unit = self.units.get((building.pk, name))
        if unit is None:
            unit = Unit.objects.create(building=building, name=name)
            self._stage(self.units, (building.pk, name), unit)
            outcome.units += 1
        return unit

    def add_room(self, building: str, unit: str, number: str, pk: int) -> None:
        self._stage(self.rooms, (building, unit, number), pk)

    def _stage(self, cache: dict, key: Any, value: Any) -> None:
        cache[key] = value
        self._staged.append((cache, key))

    def keep(self) -> None:
        self._staged.clear()

    def drop(self) -> None:
        for cache, key in self._staged:
            cache.pop(key, None)
        self._staged.clear()


# --------------------------------------------------------------------------- values

_ROOM = re.compile(r"^[0-9A-Za-z\-]{1,20}$")
_DIGITS = re.compile(r"^\d+$")
_AREA_UNITS = re.compile(r"(㎡|平方米|平米|m2|m²|sqm)$", re.IGNORECASE)

RELATIONS = {
    "业主": Residency.Relation.OWNER, "户主": Residency.Relation.OWNER,
    "产权人": Residency.Relation.OWNER, "owner": Residency.Relation.OWNER,
    "租户": Residency.Relation.TENANT, "租客": Residency.Relation.TENANT,
    "承租人": Residency.Relation.TENANT, "tenant": Residency.Relation.TENANT,
    "家属": Residency.Relation.FAMILY, "家人": Residency.Relation.FAMILY,
    "家庭成员": Residency.Relation.FAMILY, "family": Residency.Relation.FAMILY,
    "family member": Residency.Relation.FAMILY,
}


def building_name(raw: str) -> str:
    """'3' → '3栋', as the estate's own naming; anything else is kept as written."""
    value = raw.strip()
    if not value:
        raise RowProblem("building", _("The building is missing."))
    if len(value) > 50:
        raise RowProblem("building", _("The building name is too long."))
    return value + "栋" if _DIGITS.match(value) else value


def unit_name(raw: str, *, has_column: bool) -> str:
    """'2' → '2单元'. Without a unit column every building has one unit, 1单元."""
    value = raw.strip()
    if not value:
        if has_column:
            raise RowProblem("unit", _("The unit is missing."))
        return "1单元"
    if len(value) > 50:
        raise RowProblem("unit", _("The unit name is too long."))
    return value + "单元" if _DIGITS.match(value) else value


def room_number(raw: str) -> str:
    value = raw.strip().removesuffix("室")
    if not value:
        raise RowProblem("room", _("The room number is missing."))
    if not _ROOM.match(value):
        raise RowProblem("room", _("“%(value)s” is not a room number (digits and letters, at "
                                   "most 20)."), value=raw)
    return value


def floor_of(raw: str, number: str) -> int | None:
    """The floor as given, or read from the room number (1203 is on floor 12)."""
    value = raw.strip().removesuffix("层").removesuffix("楼")
    if not value:
        return int(number[:-2]) if _DIGITS.match(number) and len(number) >= 3 else None
    try:
        floor = int(value)
    except ValueError:
        raise RowProblem("floor", _("“%(value)s” is not a floor number."), value=raw) from None
    if not -10 <= floor <= 300:
        raise RowProblem("floor", _("Floor %(value)s is out of range."), value=floor)
    return floor


def area_of(raw: str) -> Decimal | None:
    value = _AREA_UNITS.sub("", raw.strip()).strip()
    if not value:
        return None
    try:
        area = Decimal(value)
    except InvalidOperation:
        raise RowProblem("area", _("“%(value)s” is not an area in square metres."),
                         value=raw) from None
    if not area.is_finite() or not 0 < area < 100000:
        raise RowProblem("area", _("The area %(value)s m² is not plausible."), value=raw)
    return area.quantize(Decimal("0.01"))


def mobile_of(raw: str) -> str:
    phone = phones.normalise(raw)
    if not phone:
        raise RowProblem("phone", _("The mobile number is missing."))
    if not phones.is_mobile(phone):
        raise RowProblem("phone", _("“%(value)s” is not an 11-digit mobile number."), value=raw)
    return phone


def relation_of(raw: str) -> str:
    value = raw.strip().lower()
    if not value:
        return Residency.Relation.OWNER
    try:
        return RELATIONS[value]
    except KeyError:
        raise RowProblem("relation", _("Unknown relation “%(value)s”: use 业主, 租户 or 家属 "
                                       "(owner, tenant, family)."), value=raw) from None


def person_name(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise RowProblem("name", _("The name is missing."))
    if len(value) > 100:
        raise RowProblem("name", _("The name is too long."))
    return value


# --------------------------------------------------------------------------- rows


def _room_row(places: Places, table: Table, values: dict[str, str]) -> Outcome:
    building = building_name(values.get("building", ""))
    unit = unit_name(values.get("unit", ""), has_column="unit" in table.columns)
    number = room_number(values.get("room", ""))
    floor = floor_of(values.get("floor", ""), number)
    area = area_of(values.get("area", ""))
    label = f"{building}{unit}{number}"
    if places.room_id(building, unit, number) is not None:
        return Outcome(skipped=_("Room %(room)s already exists; skipped."), params={"room": label})
    outcome = Outcome(created=True)
    unit_obj = places.unit(places.building(building, outcome), unit, outcome)
    room = Room.objects.create(unit=unit_obj, number=number, floor=floor, area_m2=area)
    places.add_room(building, unit, number, room.pk)
    return outcome


def _resident_row(places: Places, table: Table, values: dict[str, str]) -> Outcome:
    name = person_name(values.get("name", ""))
    phone = mobile_of(values.get("phone", ""))
    relation = relation_of(values.get("relation", ""))
    building = building_name(values.get("building", ""))
    unit = unit_name(values.get("unit", ""), has_column="unit" in table.columns)
    number = room_number(values.get("room", ""))
    label = f"{building}{unit}{number}"
    room_id = places.room_id(building, unit, number)
    if room_id is None:
        raise RowProblem("room", _("There is no room %(room)s in %(estate)s: import the rooms "
                                   "first."), room=label, estate=places.estate.name)
    outcome = Outcome()
    resident = Resident.objects.with_phone(phone).first()
    if resident is None:
        resident = Resident.objects.create(name=name, phone=phone)
        outcome.residents = 1
    elif resident.name != name:
        # Linking a different person to this number would let that phone read the room's complaints.
        raise RowProblem("phone", _("The number %(phone)s already belongs to %(name)s."),
                         phone=phones.mask(phone), name=resident.name)
    if Residency.objects.filter(resident=resident, room_id=room_id).exists():
        outcome.skipped = _("%(name)s is already registered at %(room)s; skipped.")
        outcome.params = {"name": name, "room": label}
        return outcome
    Residency.objects.create(resident=resident, room_id=room_id, relation=relation)
    outcome.created = True
    return outcome


RowHandler = Callable[[Places, Table, dict[str, str]], Outcome]


def _run(kind: str, handler: RowHandler, *, estate: Estate, table: Table,
         progress: Progress | None) -> ImportResult:
    result = ImportResult(kind=kind, ignored_columns=list(table.ignored))
    places = Places(estate)
    rows = progress(table.rows) if progress else table.rows
    # One outer transaction keeps thousands of rows fast on SQLite; each row still has
    # its own savepoint, so a failed row is undone alone and the rest are kept.
    with transaction.atomic():
        for number, values in rows:
            result.rows += 1
            try:
                with transaction.atomic():
                    outcome = handler(places, table, values)
            except RowProblem as problem:
                places.drop()
                result.errors.append(RowIssue(number, table.label(problem.field_name), problem.text,
                                              problem.params))
            except DatabaseError as exc:
                places.drop()
                result.errors.append(RowIssue(number, "", _("The row could not be saved: %(error)s"),
                                              {"error": str(exc)}))
            else:
                places.keep()
                _count(result, number, outcome)
        _note_floors(estate)
    return result


def _count(result: ImportResult, number: int, outcome: Outcome) -> None:
    result.created += outcome.created
    result.buildings_created += outcome.buildings
    result.units_created += outcome.units
    result.residents_created += outcome.residents
    if outcome.skipped is not None:
        result.skipped.append(RowIssue(number, "", outcome.skipped, outcome.params))


def _note_floors(estate: Estate) -> None:
    """Buildings created without a floor count take the highest floor of their rooms."""
    for building in Building.objects.filter(estate=estate, floors__isnull=True).annotate(
            top=Max("units__rooms__floor")):
        if building.top and building.top > 0:
            Building.objects.filter(pk=building.pk).update(floors=building.top)


def import_rooms(*, estate: Estate, table: Table, progress: Progress | None = None) -> ImportResult:
    """Create the rooms listed in ``table``, with their buildings and units as needed."""
    return _run("rooms", _room_row, estate=estate, table=table, progress=progress)


def import_residents(*, estate: Estate, table: Table,
                     progress: Progress | None = None) -> ImportResult:
    """Register residents (found or created by mobile number) at existing rooms of ``estate``."""
    return _run("residents", _resident_row, estate=estate, table=table, progress=progress)


IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "rooms": import_rooms,
    "residents": import_residents,
}


def import_file(kind: str, *, estate: Estate, source: str | Path | IO[bytes], filename: str = "",
                progress: Progress | None = None) -> ImportResult:
    """Read ``source`` and import it: the one call for the admin and the API."""
    table = read_table(source, kind=kind, filename=filename)
    return IMPORTERS[kind](estate=estate, table=table, progress=progress)
