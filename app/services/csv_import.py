"""Bring an existing housing system's caseload export into Doorstep (`doorstep import-csv`).

Rows (CSV, TSV, JSON or JSON lines, read with sqlite-utils' ``rows_from_file``) are
mapped to case bundles by a TOML column mapping, then imported through the same
path as ``doorstep import`` (``bundles.import_new_case``), so validation and
deadlines are identical. Each case is all or nothing: a refused row refuses its own
case and no other. A dry run builds the same plan and writes nothing.

Messages name lines, columns, refs, kinds, dates and officers, never a resident's
name, address, phone, email or vulnerabilities.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlite_utils.utils import Format, RowsFromFileError, rows_from_file

from app.domain.bundle import CASE_KINDS, FORMAT, MAX_DEPTH, nesting_depth, parse_bundle
from app.domain.calendar import today_london
from app.domain.events import CHANNELS, BundleError
from app.errors import DoorstepError, ValidationError
from app.services.bulk import Source, import_sources
from app.services.workspace import Workspace
from app.store.models import Case, Officer

REPLY_CHANNELS = ("email", "letter")  # an inbound message on these is owed a reply by policy
EXTRA_KEY = "\x00extra"  # where rows_from_file puts values beyond the header's columns
BATCH = 200  # cases per transaction (each case in its own savepoint)
PROGRESS_EVERY = 1000  # cases between progress lines, for imports at least this large


class MappingError(DoorstepError):
    """The mapping file itself is wrong (exit 2): one sentence per problem."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


# --- the mapping ------------------------------------------------------------------------

Columns = tuple[str, ...]  # one or more export columns, joined when several


@dataclass(frozen=True)
class ContactMap:
    date: str
    date_formats: tuple[str, ...]
    channel: str
    summary: str | None
    channels: Mapping[str, str]  # casefolded export value -> Doorstep channel


@dataclass(frozen=True)
class ColumnMapping:
    ref: str
    kind: str
    kinds: Mapping[str, str]  # casefolded export value -> Doorstep kind
    opened: str
    opened_formats: tuple[str, ...]
    officer: str
    officers: Mapping[str, str] | None  # casefolded export value -> username
    create_officers: bool
    repeated_ref: str  # "refuse" or "group"
    policy: str | None
    name: Columns
    address: Columns
    phone: str | None
    email: str | None
    vuln_column: str | None
    vuln_separator: str
    vuln_columns: Columns
    vuln_ignore: frozenset[str]  # casefolded values that mean "none"
    contact: ContactMap | None

    def columns(self) -> list[tuple[str, str]]:
        """(mapping key, export column) for every column the mapping names."""
        out = [
            ("case.ref", self.ref),
            ("case.kind", self.kind),
            ("case.opened", self.opened),
            ("case.officer", self.officer),
        ]
        out += [("resident.name", c) for c in self.name]
        out += [("resident.address", c) for c in self.address]
        out += [(k, c) for k, c in (("resident.phone", self.phone), ("resident.email", self.email))]
        out += [("vulnerabilities.column", self.vuln_column)]
        out += [("vulnerabilities.columns", c) for c in self.vuln_columns]
        if self.contact:
            out += [
                ("open_contact.date", self.contact.date),
                ("open_contact.channel", self.contact.channel),
                ("open_contact.summary", self.contact.summary),
            ]
        return [(k, c) for k, c in out if c is not None]


_KEYS: dict[str, dict[str, str]] = {
    # table -> key -> what it must be ("req"/"opt" + kind)
    "case": {
        "ref": "req column",
        "kind": "req column",
        "kinds": "req valuemap",
        "opened": "req column",
        "opened_format": "opt dateformat",
        "officer": "req column",
        "officers": "opt valuemap",
        "create_officers": "opt bool",
        "repeated_ref": "opt choice",
        "policy": "opt text",
    },
    "resident": {
        "name": "req columns",
        "address": "opt columns",
        "phone": "opt column",
        "email": "opt column",
    },
    "vulnerabilities": {
        "column": "opt column",
        "separator": "opt text",
        "columns": "opt columns",
        "ignore": "opt texts",
    },
    "open_contact": {
        "date": "req column",
        "date_format": "opt dateformat",
        "channel": "req column",
        "summary": "opt column",
        "channels": "opt valuemap",
    },
}
_REQUIRED_TABLES = ("case", "resident")
_REPEATED = ("refuse", "group")


def _check_format(fmt: str) -> bool:
    sample = dt.datetime(2024, 11, 23, 14, 5)
    try:
        return dt.datetime.strptime(sample.strftime(fmt), fmt).date() == sample.date()
    except ValueError:
        return False


def load_mapping(path: Path) -> ColumnMapping:
    """Read and validate a mapping file. Raises ``MappingError`` naming every problem."""
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError([f"The mapping file {path} does not exist."]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            [f"The mapping file {path} cannot be read ({exc.__class__.__name__})."]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError([f"The mapping file {path} is not valid TOML ({exc})."]) from None
    return parse_mapping(doc)


def parse_mapping(doc: Mapping[str, Any]) -> ColumnMapping:
    problems: list[str] = []
    for table in doc:
        if table not in _KEYS:
            problems.append(
                f"The mapping has an unknown table [{table}] (known: {', '.join(_KEYS)})."
            )
    for table in _REQUIRED_TABLES:
        if table not in doc:
            problems.append(f"The mapping needs a [{table}] table.")
    values: dict[str, Any] = {}
    for table, keys in _KEYS.items():
        raw = doc.get(table)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            problems.append(f"'{table}' in the mapping must be a table ([{table}]).")
            continue
        for key in raw:
            if key not in keys:
                problems.append(
                    f"The mapping has an unknown key '{table}.{key}' "
                    f"(known in [{table}]: {', '.join(keys)})."
                )
        for key, spec in keys.items():
            name = f"{table}.{key}"
            need, kind = spec.split()
            if key not in raw:
                if need == "req":
                    problems.append(f"The mapping is missing the required key '{name}'.")
                continue
            problem = _check_value(name, kind, raw[key])
            if problem:
                problems.append(problem)
            else:
                values[name] = raw[key]
    vuln = doc.get("vulnerabilities")
    if isinstance(vuln, dict):
        if "column" in vuln and "columns" in vuln:
            problems.append(
                "[vulnerabilities] takes either 'column' (one column split by 'separator') "
                "or 'columns' (several columns), not both."
            )
        elif "column" not in vuln and "columns" not in vuln:
            problems.append("[vulnerabilities] needs 'column' or 'columns'.")
        if "separator" in vuln and "column" not in vuln:
            problems.append(
                "'vulnerabilities.separator' only applies with 'vulnerabilities.column'."
            )
    if problems:
        raise MappingError(problems)

    def valuemap(name: str) -> dict[str, str] | None:
        raw = values.get(name)
        return None if raw is None else {k.strip().casefold(): v for k, v in raw.items()}

    def cols(name: str) -> Columns:
        raw = values.get(name)
        if raw is None:
            return ()
        return (raw,) if isinstance(raw, str) else tuple(raw)

    def formats(name: str) -> tuple[str, ...]:
        raw = values.get(name, "%Y-%m-%d")
        return (raw,) if isinstance(raw, str) else tuple(raw)

    contact = None
    if "open_contact" in doc:
        contact = ContactMap(
            date=values["open_contact.date"],
            date_formats=formats("open_contact.date_format"),
            channel=values["open_contact.channel"],
            summary=values.get("open_contact.summary"),
            channels=valuemap("open_contact.channels") or {c: c for c in CHANNELS},
        )
    return ColumnMapping(
        ref=values["case.ref"],
        kind=values["case.kind"],
        kinds=valuemap("case.kinds") or {},
        opened=values["case.opened"],
        opened_formats=formats("case.opened_format"),
        officer=values["case.officer"],
        officers=valuemap("case.officers"),
        create_officers=values.get("case.create_officers", True),
        repeated_ref=values.get("case.repeated_ref", "refuse"),
        policy=values.get("case.policy"),
        name=cols("resident.name"),
        address=cols("resident.address"),
        phone=values.get("resident.phone"),
        email=values.get("resident.email"),
        vuln_column=values.get("vulnerabilities.column"),
        vuln_separator=values.get("vulnerabilities.separator", ";"),
        vuln_columns=cols("vulnerabilities.columns"),
        vuln_ignore=frozenset(
            v.strip().casefold() for v in values.get("vulnerabilities.ignore", ())
        ),
        contact=contact,
    )


def _check_value(name: str, kind: str, value: Any) -> str | None:
    if kind in ("column", "text"):
        if not isinstance(value, str) or not value.strip():
            what = "a column name" if kind == "column" else "text"
            return f"'{name}' in the mapping must be {what} in quotes."
        return None
    if kind == "columns":
        if isinstance(value, str) and value.strip():
            return None
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, str) and v.strip() for v in value)
        ):
            return None
        return f"'{name}' in the mapping must be a column name or a list of column names."
    if kind == "texts":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return None
        return f"'{name}' in the mapping must be a list of texts."
    if kind == "bool":
        return (
            None if isinstance(value, bool) else f"'{name}' in the mapping must be true or false."
        )
    if kind == "choice":
        if value in _REPEATED:
            return None
        return f"'{name}' in the mapping must be one of {', '.join(_REPEATED)}; got {value!r}."
    if kind == "dateformat":
        formats = [value] if isinstance(value, str) else value
        if (
            isinstance(formats, list)
            and formats
            and all(isinstance(f, str) and "%" in f and _check_format(f) for f in formats)
        ):
            return None
        return (
            f"'{name}' in the mapping must be a date format such as \"%d/%m/%Y\" "
            f"(or a list of them, tried in order); got {value!r}."
        )
    if kind == "valuemap":
        if not isinstance(value, dict) or not value:
            return (
                f'\'{name}\' in the mapping must be a table of "export value" = "Doorstep value".'
            )
        allowed = {"case.kinds": CASE_KINDS, "open_contact.channels": CHANNELS}.get(name)
        for k, v in value.items():
            if not isinstance(v, str) or not v.strip():
                return f"'{name}' in the mapping maps {k!r} to {v!r}, which is not text."
            if allowed is not None and v not in allowed:
                return (
                    f"'{name}' in the mapping maps {k!r} to {v!r}; "
                    f"it must be one of {', '.join(allowed)}."
                )
        return None
    raise AssertionError(kind)  # pragma: no cover - the table above names only these


# --- reading the export -----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file (for JSON arrays: the record's number)
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Export:
    path: Path
    format: str  # CSV, TSV, JSON, JSON lines
    encoding: str  # UTF-8, UTF-8 with BOM, Windows-1252
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    unit: str  # "line" or "record": how a row's position is named

    def where(self, row: Row) -> str:
        return f"{self.unit} {row.line}"


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            raise ValidationError(
                "The file starts with a UTF-8 byte-order mark but is not valid UTF-8."
            ) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"The file is neither UTF-8 nor Windows-1252 (byte {exc.start + 1} cannot be read); "
            "save it as UTF-8 and try again."
        ) from None


def read_export(path: Path) -> Export:
    """Read every row of an export. Raises ``ValidationError`` for a file that cannot be used."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file.") from None
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValidationError(f"{path}: the file is empty.")
    if text.lstrip()[:1] in ("[", "{") and nesting_depth(text) > MAX_DEPTH:
        raise ValidationError(f"{path}: nests lists and objects too deeply to be rows of a table.")
    try:
        fmt, columns, rows, unit = _rows(text)
    except (
        RowsFromFileError,
        ValueError,
        csv.Error,
    ) as exc:  # ValueError: JSON, a 4,301-digit number
        raise ValidationError(f"{path}: cannot be read as CSV, TSV or JSON ({exc}).") from None
    except ValidationError as exc:
        raise ValidationError(f"{path}: {exc}") from None
    if not rows:
        raise ValidationError(f"{path}: the file has a header but no rows.")
    return Export(path, fmt, encoding, columns, tuple(rows), unit)


def _rows(text: str) -> tuple[str, tuple[str, ...], list[Row], str]:
    utf8 = text.encode("utf-8")
    head = text.lstrip()[:1]
    if head in ("[", "{"):
        try:
            found, _ = rows_from_file(io.BytesIO(utf8))  # detects JSON
            return _json_rows("JSON", list(found), "record", None)
        except json.JSONDecodeError as exc:
            if head != "{" or "Extra data" not in str(exc):
                raise
        found, _ = rows_from_file(io.BytesIO(utf8), format=Format.NL)
        lines = [i for i, line in enumerate(text.split("\n"), 1) if line.strip()]
        return _json_rows("JSON lines", list(found), "line", lines)
    dialect = _dialect(text.split("\n", 1)[0])
    fmt = Format.TSV if dialect.delimiter == "\t" else Format.CSV
    found, _ = rows_from_file(
        io.BytesIO(utf8), format=fmt, dialect=dialect, encoding="utf-8", extras_key=EXTRA_KEY
    )
    starts = _record_starts(text, dialect)
    header = next(csv.reader(io.StringIO(text), dialect), [])
    columns = tuple(h.strip() for h in header)
    rows = []
    for start, raw in zip(starts, found, strict=False):
        values = {(k.strip() if isinstance(k, str) else k): v for k, v in raw.items()}
        rows.append(Row(start, values))
    return fmt.name, columns, rows, "line"


def _dialect(header: str) -> type[csv.Dialect]:
    """Excel's CSV rules with the delimiter the header uses (comma, tab, semicolon or bar).

    Only the delimiter is sniffed: the sniffer's other guesses (no doubled quotes when the
    sample has no quotes) would misread a later quoted field with doubled quotes in it.
    """
    try:
        delimiter = csv.Sniffer().sniff(header, delimiters=",\t;|").delimiter
    except csv.Error:
        return csv.excel  # a single column: plain CSV
    if delimiter == "\t":
        return csv.excel_tab
    return type("ExportDialect", (csv.excel,), {"delimiter": delimiter})


def _record_starts(text: str, dialect) -> list[int]:
    """The line each data record starts on, as csv.DictReader reads them (blank lines skipped)."""
    reader = csv.reader(io.StringIO(text), dialect)
    next(reader, None)  # the header
    starts = []
    while True:
        start = reader.line_num + 1
        row = next(reader, None)
        if row is None:
            return starts
        if row:
            starts.append(start)


def _json_rows(
    fmt: str, found: list[Any], unit: str, lines: list[int] | None
) -> tuple[str, tuple[str, ...], list[Row], str]:
    columns: dict[str, None] = {}
    rows = []
    for i, raw in enumerate(found):
        number = lines[i] if lines else i + 1
        if not isinstance(raw, dict):
            raise ValidationError(f"{unit} {number} is not an object of column: value pairs.")
        for k in raw:
            columns.setdefault(str(k).strip(), None)
        rows.append(Row(number, {str(k).strip(): v for k, v in raw.items()}))
    return fmt, tuple(columns), rows, unit


def check_columns(mapping: ColumnMapping, export: Export) -> None:
    """Every column the mapping names must be in the file, once. Raises ``MappingError``."""
    have = Counter(export.columns)
    problems = []
    for key, column in mapping.columns():
        if have[column] == 0:
            problems.append(
                f"The mapping's '{key}' names the column {column!r}, which "
                f"{export.path.name} does not have (its columns: {', '.join(export.columns)})."
            )
        elif have[column] > 1:
            problems.append(
                f"The mapping's '{key}' names the column {column!r}, which appears "
                f"{have[column]} times in the header of {export.path.name}."
            )
    if problems:
        raise MappingError(list(dict.fromkeys(problems)))


# --- the plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    where: str  # "line 7"
    ref: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class CasePlan:
    ref: str
    kind: str
    officer: str
    rows: list[Row]
    doc: dict[str, Any]
    vulnerabilities: int
    contacts: int
    callbacks: int


@dataclass
class Plan:
    export: Export
    cases: list[CasePlan] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    officers_to_create: list[str] = field(default_factory=list)
    officers_missing: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        kinds = Counter(c.kind for c in self.cases)
        return {
            "file": str(self.export.path),
            "format": self.export.format,
            "encoding": self.export.encoding,
            "rows": len(self.export.rows),
            "cases": len(self.cases),
            "cases_by_kind": {k: kinds[k] for k in CASE_KINDS if kinds[k]},
            "residents": len(self.cases),
            "vulnerabilities": sum(c.vulnerabilities for c in self.cases),
            "open_contacts": sum(c.contacts for c in self.cases),
            "open_contacts_owed_callback": sum(c.callbacks for c in self.cases),
            "officers_to_create": list(self.officers_to_create),
            "officers_missing": list(self.officers_missing),
            "refused_rows": len(self.refused),
            "refused": [
                {"where": r.where, "case": r.ref, "reason": r.reason} for r in self.refused
            ],
        }


@dataclass(frozen=True)
class _Mapped:
    """One row mapped to Doorstep fields (or refused)."""

    row: Row
    ref: str
    kind: str
    opened: dt.date
    officer: str
    name: str
    address: str | None
    phone: str | None
    email: str | None
    vulnerabilities: tuple[str, ...]
    contact: dict[str, Any] | None


class _Refuse(Exception):
    pass


def _cell(row: Row, column: str | None) -> str:
    if column is None:
        return ""
    value = row.values.get(column)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if v is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _required(row: Row, column: str, what: str) -> str:
    value = _cell(row, column)
    if not value:
        raise _Refuse(f"{column!r} is empty ({what}).")
    return value


def _joined(row: Row, columns: Columns, sep: str) -> str:
    return sep.join(v for v in (_cell(row, c) for c in columns) if v)


def _parse_when(text: str, formats: Sequence[str], column: str) -> tuple[dt.datetime, bool]:
    """The instant written, and whether the format that read it carries a time."""
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt), any(d in fmt for d in ("%H", "%I", "%M"))
        except ValueError:
            continue
    raise _Refuse(
        f"{column!r} has {text!r}, which is not a date in the format {' or '.join(formats)}."
    )


def _map_row(m: ColumnMapping, row: Row, today: dt.date) -> _Mapped:
    if EXTRA_KEY in row.values:
        raise _Refuse("the row has more values than the header has columns.")
    ref = _required(row, m.ref, "the case ref")
    kind_text = _required(row, m.kind, "the case kind")
    kind = m.kinds.get(kind_text.casefold())
    if kind is None:
        raise _Refuse(
            f"{m.kind!r} has {kind_text!r}, which is not in the mapping's [case.kinds] "
            f"(known: {', '.join(sorted(set(m.kinds)))})."
        )
    opened_text = _required(row, m.opened, "the date the case was opened")
    opened = _parse_when(opened_text, m.opened_formats, m.opened)[0].date()
    if opened > today:
        raise _Refuse(f"{m.opened!r} has {opened_text!r}, which is in the future.")
    officer_text = _required(row, m.officer, "the officer")
    officer = officer_text
    if m.officers is not None:
        mapped = m.officers.get(officer_text.casefold())
        if mapped is None:
            raise _Refuse(
                f"{m.officer!r} has {officer_text!r}, which is not in the mapping's "
                "[case.officers]."
            )
        officer = mapped
    name = _joined(row, m.name, " ")
    if not name:
        raise _Refuse(f"{' + '.join(repr(c) for c in m.name)} is empty (the resident's name).")
    if m.vuln_column:
        raw = row.values.get(m.vuln_column)
        parts = raw if isinstance(raw, list) else _cell(row, m.vuln_column).split(m.vuln_separator)
    else:
        parts = [_cell(row, c) for c in m.vuln_columns]
    vulns = tuple(
        dict.fromkeys(
            p.strip()
            for p in (str(x) for x in parts if x is not None)
            if p.strip() and p.strip().casefold() not in m.vuln_ignore
        )
    )
    contact = None
    if m.contact is not None:
        contact = _map_contact(m.contact, row, kind, today)
    return _Mapped(
        row=row,
        ref=ref,
        kind=kind,
        opened=opened,
        officer=officer,
        name=name,
        address=_joined(row, m.address, ", ") or None,
        phone=_cell(row, m.phone) or None,
        email=_cell(row, m.email) or None,
        vulnerabilities=vulns,
        contact=contact,
    )


def _map_contact(c: ContactMap, row: Row, kind: str, today: dt.date) -> dict[str, Any] | None:
    date_text = _cell(row, c.date)
    if not date_text:
        return None  # no open contact on this row
    when, timed = _parse_when(date_text, c.date_formats, c.date)
    if when.date() > today:
        raise _Refuse(f"{c.date!r} has {date_text!r}, which is in the future.")
    channel_text = _required(row, c.channel, "the open contact's channel")
    channel = c.channels.get(channel_text.casefold())
    if channel is None:
        raise _Refuse(
            f"{c.channel!r} has {channel_text!r}, which is not in the mapping's "
            f"[open_contact.channels] (known: {', '.join(sorted(c.channels))})."
        )
    at = when.isoformat(timespec="minutes") if timed else when.date().isoformat()
    event: dict[str, Any] = {
        "at": at,
        "type": "contact",
        "channel": channel,
        "direction": "in",
        "by": "resident",
        "summary": _cell(row, c.summary),
    }
    if channel not in REPLY_CHANNELS:
        event["callback_requested"] = True
    if kind == "repair":
        event["topic"] = "repair"
    return event


def _agree(first: _Mapped, other: _Mapped, m: ColumnMapping) -> None:
    for attr, column in (
        ("kind", m.kind),
        ("opened", m.opened),
        ("officer", m.officer),
        ("name", " + ".join(m.name)),
    ):
        if getattr(first, attr) != getattr(other, attr):
            raise _Refuse(
                f"{column!r} differs from line {first.row.line} of the same case "
                f"{first.ref!r}; rows of one case must agree on it."
            )


def _bundle(m: ColumnMapping, rows: list[_Mapped], source: str) -> dict[str, Any]:
    first = rows[0]
    vulns = tuple(dict.fromkeys(v for r in rows for v in r.vulnerabilities))

    def pick(attr: str) -> str | None:
        return next((getattr(r, attr) for r in rows if getattr(r, attr)), None)

    resident: dict[str, Any] = {"name": first.name}
    for attr in ("address", "phone", "email"):
        value = pick(attr)
        if value is not None:
            resident[attr] = value
    if m.vuln_column or m.vuln_columns:
        resident["vulnerabilities"] = list(vulns)
    case: dict[str, Any] = {
        "ref": first.ref,
        "kind": first.kind,
        "opened": first.opened.isoformat(),
        "officer": first.officer,
        "resident": resident,
        "imported_from": {"file": source, "lines": [r.row.line for r in rows]},
    }
    if m.policy:
        case["policy"] = m.policy
    events = []
    for r in rows:
        if r.contact is not None:
            events.append({"id": f"import-{r.row.line}", **r.contact})
    return {"format": FORMAT, "case": case, "events": events}


def plan_import(
    ws: Workspace | None, mapping: ColumnMapping, export: Export, today: dt.date | None = None
) -> Plan:
    """What the import would do: the bundle of every case, and every refused row with why.

    ``ws`` may be None for a database that does not exist yet (a dry run before the first
    import): then no ref is taken and every officer named would be created.
    """
    check_columns(mapping, export)
    if today is None:
        today = ws.today() if ws is not None else today_london()
    plan = Plan(export)
    mapped: dict[str, list[_Mapped]] = defaultdict(list)
    refused_rows: dict[int, Refusal] = {}
    order: list[str] = []
    for row in export.rows:
        try:
            r = _map_row(mapping, row, today)
        except _Refuse as exc:
            ref = _cell(row, mapping.ref) or None
            refused_rows[row.line] = Refusal(export.where(row), ref, str(exc))
            if ref is not None:
                if ref not in mapped:
                    order.append(ref)
                mapped.setdefault(ref, [])
            continue
        if r.ref not in mapped:
            order.append(r.ref)
        mapped[r.ref].append(r)

    lines_of: dict[str, list[int]] = defaultdict(list)
    for row in export.rows:
        ref = _cell(row, mapping.ref)
        if ref:
            lines_of[ref].append(row.line)
    taken = _existing_refs(ws, order)
    known_officers = _existing_officers(ws)
    by_line = {row.line: row for row in export.rows}

    candidates: list[tuple[str, list[_Mapped]]] = []
    for ref in order:
        rows = mapped[ref]
        lines = lines_of[ref]
        own_refusals = [refused_rows[n] for n in lines if n in refused_rows]

        if ref in taken:
            for n in lines:
                prior = refused_rows.get(n)
                reason = f"case {ref!r} is already in the database."
                if prior is not None:
                    reason = f"{prior.reason[:-1]}; and case {ref!r} is already in the database."
                refused_rows[n] = Refusal(export.where(by_line[n]), ref, reason)
            continue
        if len(lines) > 1 and mapping.repeated_ref == "refuse":
            listed = ", ".join(str(n) for n in lines)
            for n in lines:
                prior = refused_rows.get(n)
                reason = (
                    f"case ref {ref!r} appears on more than one {export.unit} ({listed}); "
                    'set repeated_ref = "group" in [case] if they are one case.'
                )
                if prior is not None:
                    reason = f"{prior.reason[:-1]}; and {reason}"
                refused_rows[n] = Refusal(export.where(by_line[n]), ref, reason)
            continue
        if own_refusals:
            reason = f"refused with its case {ref!r} ({own_refusals[0].where} was refused)."
            for r in rows:
                refused_rows[r.row.line] = Refusal(export.where(r.row), ref, reason)
            continue
        try:
            for other in rows[1:]:
                try:
                    _agree(rows[0], other, mapping)
                except _Refuse as exc:
                    refused_rows[other.row.line] = Refusal(export.where(other.row), ref, str(exc))
                    raise
        except _Refuse:
            bad = next(n for n in lines if n in refused_rows)
            for r in rows:
                if r.row.line not in refused_rows:
                    refused_rows[r.row.line] = Refusal(
                        export.where(r.row),
                        ref,
                        f"refused with its case {ref!r} ({export.unit} {bad} was refused).",
                    )
            continue
        candidates.append((ref, rows))

    to_create: dict[str, None] = {}
    missing: dict[str, None] = {}
    for ref, rows in candidates:
        officer = rows[0].officer
        if officer not in known_officers:
            if not mapping.create_officers:
                missing[officer] = None
                for r in rows:
                    refused_rows[r.row.line] = Refusal(
                        export.where(r.row),
                        ref,
                        f"officer {officer!r} is not in the database "
                        "(the mapping says create_officers = false).",
                    )
                continue
            to_create[officer] = None
        doc = _bundle(mapping, rows, export.path.name)
        try:
            parse_bundle(doc)
        except BundleError as exc:
            for r in rows:
                refused_rows[r.row.line] = Refusal(export.where(r.row), ref, f"{exc}.")
            continue
        contacts = [e for e in doc["events"] if e["type"] == "contact"]
        plan.cases.append(
            CasePlan(
                ref=ref,
                kind=rows[0].kind,
                officer=officer,
                rows=[r.row for r in rows],
                doc=doc,
                vulnerabilities=len(doc["case"]["resident"].get("vulnerabilities", ())),
                contacts=len(contacts),
                callbacks=sum(1 for e in contacts if e.get("callback_requested")),
            )
        )
    plan.officers_to_create = sorted(to_create)
    plan.officers_missing = sorted(missing)
    plan.refused = [refused_rows[n] for n in sorted(refused_rows)]
    return plan


def _existing_refs(ws: Workspace | None, refs: Iterable[str]) -> set[str]:
    if ws is None:
        return set()
    refs = list(refs)
    found: set[str] = set()
    with ws.db.read() as s:
        for i in range(0, len(refs), 500):
            chunk = refs[i : i + 500]
            found.update(s.scalars(select(Case.ref).where(Case.ref.in_(chunk))))
    return found


def _existing_officers(ws: Workspace | None) -> set[str]:
    if ws is None:
        return set()
    with ws.db.read() as s:
        return set(s.scalars(select(Officer.username)))


# --- the import -------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    plan: Plan
    imported: list[str] = field(default_factory=list)
    officers_created: list[str] = field(default_factory=list)


def run_import(
    ws: Workspace,
    plan: Plan,
    progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Import every planned case, each all or nothing, in batches of transactions.

    A case the database refuses at this point (someone created its ref since the plan
    was made) is added to the plan's refusals; the other cases are unaffected.
    """
    outcome = ImportOutcome(plan)
    total = len(plan.cases)
    by_ref = {c.ref: c for c in plan.cases}
    done = import_sources(
        ws,
        (Source(c.ref, c.doc) for c in plan.cases),
        batch=BATCH,
        exists="case {ref!r} is already in the database.",
        progress=None if progress is None else lambda n, refused: progress(n + refused, total),
    )
    late: list[Refusal] = []
    for ref, reason in done.refused:
        late += [Refusal(plan.export.where(r), ref, reason) for r in by_ref[ref].rows]
    outcome.imported = [r.ref for _, r in done.imported]
    created = dict.fromkeys(done.officers_created)
    if late:
        refused = {c.ref for c in plan.cases} - set(outcome.imported)
        plan.cases = [c for c in plan.cases if c.ref not in refused]
        plan.refused = sorted([*plan.refused, *late], key=lambda r: int(r.where.split()[-1]))
    outcome.officers_created = sorted(created)
    return outcome


def report_lines(summary: Mapping[str, Any], dry_run: bool) -> list[str]:
    """The plain-text report of a plan or an import (``Plan.summary`` plus what happened)."""
    s = summary
    out = [f"Read {s['file']}: {s['format']}, {s['encoding']}, {s['rows']} rows."]
    kinds = ", ".join(f"{k} {n}" for k, n in s["cases_by_kind"].items()) or "none"
    verb = "Would create" if dry_run else "Imported"
    out.append(f"{verb} {s['cases']} case{'s' if s['cases'] != 1 else ''} ({kinds}).")
    out.append(f"  residents: {s['residents']}")
    out.append(f"  vulnerabilities: {s['vulnerabilities']}")
    owed_cb = s["open_contacts_owed_callback"]
    out.append(
        f"  open contacts: {s['open_contacts']} "
        f"({s['open_contacts'] - owed_cb} owed a reply, {owed_cb} owed a callback)"
    )
    key = "officers_to_create" if dry_run else "officers_created"
    out.append(f"  {key.replace('_', ' ')}: {', '.join(s[key]) or 'none'}")
    if s["officers_missing"]:
        out.append(f"  officers missing: {', '.join(s['officers_missing'])}")
    n = s["refused_rows"]
    if n:
        out.append(f"Refused {n} row{'s' if n != 1 else ''}:")
        out += [f"  {r['where']}: {r['reason']}" for r in s["refused"]]
    else:
        out.append("Refused no rows.")
    if dry_run:
        out.append("Dry run: nothing was written.")
    return out
