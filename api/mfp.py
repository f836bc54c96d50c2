"""MyFitnessPal export parser: a ZIP of summary CSVs or one bare CSV -> per-day totals.

Shapes accepted (``DOMAIN.md``): the nutrition CSV with or without ``Time`` and with or
without a trailing ``Note`` (many rows per date, summed per date, meal names free text),
the measurement CSV ``Date,Weight`` (no unit: the caller says kg or lb), and the exercise
CSV (recognised, not imported). In a ZIP, files are matched by name prefix
(``Nutrition-Summary``, ``Measurement-Summary``, ``Exercise-Summary``) with or without a
date suffix. Text may start with a BOM and use CRLF.

Nothing here touches the database. Errors::

    MfpError                 base
    ├── MfpTooLarge          a size or entry limit is exceeded (413 / 422)
    └── MfpFormatError       not an export, or bad lines (422, first lines named)

ZIP safety: the entry count is checked first, then the sizes the headers claim, and then
the real decompressed byte count while streaming, so a lying header cannot make us inflate
more than ``max_uncompressed`` bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

WeightUnit = Literal["kg", "lb"]
FileKind = Literal["nutrition", "measurement", "exercise", "other"]

KG_PER_LB = Decimal("0.45359237")  # exact, by the international yard and pound agreement (1959)
MAX_REPORTED_ERRORS = 5
NOTES_MAX_LENGTH = 2000
#: Per-day bounds: the columns are NUMERIC(6,2) (NUMERIC(5,2) for fibre); calories are the
#: API's own sanity bound.
DAY_LIMITS: dict[str, Decimal] = {
    "calories": Decimal(99_999),
    "protein_g": Decimal("9999.99"),
    "carbs_g": Decimal("9999.99"),
    "fat_g": Decimal("9999.99"),
    "fiber_g": Decimal("999.99"),
}
WEIGHT_RANGE_KG = (Decimal(20), Decimal(500))

_PREFIXES: tuple[tuple[str, FileKind], ...] = (
    ("nutrition-summary", "nutrition"),
    ("measurement-summary", "measurement"),
    ("exercise-summary", "exercise"),
)
# Nutrition header names (unit suffix removed, lowercased) -> our columns.
_NUTRIENT_COLUMNS = {
    "calories": "calories",
    "protein": "protein_g",
    "carbohydrates": "carbs_g",
    "carbs": "carbs_g",
    "fat": "fat_g",
    "total fat": "fat_g",
    "fiber": "fiber_g",
    "fibre": "fiber_g",
}
_UNIT_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_IMPORTED: frozenset[FileKind] = frozenset({"nutrition", "measurement"})
_CHUNK = 64 * 1024
_TWO = Decimal("0.01")


class MfpError(Exception):
    """Base of the parser's errors."""


class MfpTooLarge(MfpError):
    """A size or entry limit is exceeded."""

    def __init__(self, message: str, *, status: int = 413) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class LineError:
    """One bad line: which file, which physical line (1-based), what is wrong."""

    file: str
    line: int
    message: str


class MfpFormatError(MfpError):
    """The upload is not an export, or has bad lines (the first few are listed)."""

    def __init__(self, message: str, errors: list[LineError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(slots=True)
class DayTotals:
    """A day's summed nutrients (``None``: the export has no such column)."""

    calories: Decimal | None = None
    protein_g: Decimal | None = None
    carbs_g: Decimal | None = None
    fat_g: Decimal | None = None
    fiber_g: Decimal | None = None
    notes: list[str] = field(default_factory=list)
    rows: int = 0
    last_line: int = 0
    file: str = ""

    def add(self, name: str, value: Decimal) -> None:
        """Add ``value`` to the nutrient ``name``."""
        current: Decimal | None = getattr(self, name)
        setattr(self, name, value if current is None else current + value)

    def stored(self) -> dict[str, int | Decimal | str | None]:
        """The nutrition_day values: calories as an integer, grams to 2 decimals."""
        notes = " | ".join(dict.fromkeys(self.notes))[:NOTES_MAX_LENGTH] or None
        return {
            "calories": None
            if self.calories is None
            else int(self.calories.quantize(Decimal(1), ROUND_HALF_UP)),
            "protein_g": _two(self.protein_g),
            "carbs_g": _two(self.carbs_g),
            "fat_g": _two(self.fat_g),
            "fiber_g": _two(self.fiber_g),
            "notes": notes,
        }


def _two(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_TWO, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file of the upload and what was done with it."""

    name: str
    kind: FileKind
    rows: int
    imported: bool


@dataclass(slots=True)
class ParsedExport:
    """Everything read from an upload."""

    nutrition: dict[dt.date, DayTotals] = field(default_factory=dict)
    weights_kg: dict[dt.date, Decimal] = field(default_factory=dict)
    files: list[FileReport] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Data rows read from imported files."""
        return sum(f.rows for f in self.files if f.imported)

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        """The first and last date with data."""
        days = set(self.nutrition) | set(self.weights_kg)
        return (min(days), max(days)) if days else None


def file_kind(name: str) -> FileKind:
    """The export file a ZIP member is, by the prefix of its base name."""
    base = name.rsplit("/", 1)[-1].lower()
    for prefix, kind in _PREFIXES:
        if base.startswith(prefix) and base.endswith(".csv"):
            return kind
    return "other"


def is_zip(data: bytes) -> bool:
    """ZIP local-file or empty-archive signature."""
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def read_export(
    data: bytes,
    *,
    weight_unit: WeightUnit = "kg",
    filename: str = "upload.csv",
    max_uncompressed: int = 100 * 1024 * 1024,
    max_entries: int = 50,
) -> ParsedExport:
    """Parse an uploaded ZIP or bare CSV."""
    parsed = ParsedExport()
    if is_zip(data):
        for name, kind, payload in _zip_members(
            data, max_uncompressed=max_uncompressed, max_entries=max_entries
        ):
            if kind in _IMPORTED:
                _parse_csv(parsed, _text(payload, name), name, expect=kind, weight_unit=weight_unit)
            else:
                parsed.files.append(FileReport(name=name, kind=kind, rows=0, imported=False))
        if not any(f.imported for f in parsed.files):
            raise MfpFormatError("the ZIP has no Nutrition-Summary or Measurement-Summary CSV file")
        return parsed
    _parse_csv(parsed, _text(data, filename), filename, expect=None, weight_unit=weight_unit)
    if not any(f.imported for f in parsed.files):
        raise MfpFormatError(
            f"{filename}: an Exercise export; only Nutrition and Measurement files are imported"
        )
    return parsed


def _zip_members(
    data: bytes, *, max_uncompressed: int, max_entries: int
) -> Iterator[tuple[str, FileKind, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise MfpFormatError(f"the upload is not a readable ZIP file ({exc})") from exc
    with archive:
        members = archive.infolist()
        if len(members) > max_entries:
            raise MfpTooLarge(
                f"the ZIP has {len(members)} entries; at most {max_entries} are accepted",
                status=422,
            )
        wanted = [(info, file_kind(info.filename)) for info in members if not info.is_dir()]
        claimed = sum(
            info.file_size for info, kind in wanted if kind in ("nutrition", "measurement")
        )
        if claimed > max_uncompressed:
            raise MfpTooLarge(
                f"the ZIP's CSV files unpack to {claimed} bytes; at most {max_uncompressed}"
            )
        budget = max_uncompressed
        for info, kind in wanted:
            if kind not in _IMPORTED:
                yield info.filename, kind, b""
                continue
            if info.flag_bits & 0x1:
                raise MfpFormatError(f"{info.filename}: encrypted ZIP entries are not supported")
            payload, budget = _inflate(archive, info, budget, max_uncompressed)
            yield info.filename, kind, payload


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limit: int
) -> tuple[bytes, int]:
    """Decompress one member, counting the real bytes against what is left of the budget."""
    chunks: list[bytes] = []
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise MfpTooLarge(f"the ZIP unpacks to more than {limit} bytes")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise MfpFormatError(f"{info.filename}: cannot be decompressed ({exc})") from exc
    return b"".join(chunks), budget


def _text(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise MfpFormatError(f"{name}: is not a CSV text file (binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MfpFormatError(f"{name}: is not UTF-8 text (byte {exc.start})") from exc


def _header_key(name: str) -> str:
    return " ".join(_UNIT_SUFFIX.sub("", name.strip().lstrip("\ufeff")).lower().split())


def _parse_csv(
    parsed: ParsedExport,
    text: str,
    name: str,
    *,
    expect: FileKind | None,
    weight_unit: WeightUnit,
) -> None:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise MfpFormatError(f"{name}: line 1: {exc}") from exc
    if not header:
        raise MfpFormatError(f"{name}: is empty")
    keys = [_header_key(column) for column in header]
    kind: FileKind
    if "date" in keys and "calories" in keys:
        kind = "nutrition"
    elif "date" in keys and "weight" in keys:
        kind = "measurement"
    elif "date" in keys and "exercise" in keys:
        kind = "exercise"
    else:
        raise MfpFormatError(
            f"{name}: not a MyFitnessPal export (the header needs Date and Calories, "
            "or Date and Weight)"
        )
    if expect is not None and kind != expect:
        raise MfpFormatError(f"{name}: named like a {expect} file but its header is {kind}")
    if kind == "exercise":
        parsed.files.append(FileReport(name=name, kind=kind, rows=0, imported=False))
        return
    errors: list[LineError] = []
    if kind == "nutrition":
        rows = _nutrition_rows(parsed, reader, keys, name, errors)
    else:
        rows = _weight_rows(parsed, reader, keys, name, errors, weight_unit)
    if errors:
        raise MfpFormatError(f"{name}: line {errors[0].line}: {errors[0].message}", errors=errors)
    parsed.files.append(FileReport(name=name, kind=kind, rows=rows, imported=True))


def _number(raw: str) -> Decimal:
    text = raw.strip()
    if not text:
        return Decimal(0)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def _date(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw.strip())


def _rows(
    reader: Iterator[list[str]], name: str, errors: list[LineError]
) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with their physical line numbers; a CSV syntax error is a bad line."""
    line = 1
    while len(errors) < MAX_REPORTED_ERRORS:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(LineError(name, line + 1, f"not valid CSV ({exc})"))
            return
        line = getattr(reader, "line_num", line + 1)
        if not row or all(not cell.strip() for cell in row):
            continue
        yield line, row


def _nutrition_rows(
    parsed: ParsedExport,
    reader: Iterator[list[str]],
    keys: list[str],
    name: str,
    errors: list[LineError],
) -> int:
    date_at = keys.index("date")
    columns: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in _NUTRIENT_COLUMNS:
            columns.setdefault(_NUTRIENT_COLUMNS[key], index)  # the first such column wins
    nutrients = [(index, nutrient) for nutrient, index in columns.items()]
    needed = max(date_at, *columns.values()) + 1
    note_at = next((i for i, k in enumerate(keys) if k in ("note", "notes")), None)
    width = len(keys)
    count = 0
    for line, row in _rows(reader, name, errors):
        if len(row) < needed:
            errors.append(LineError(name, line, f"has {len(row)} fields, the header {width}"))
            continue
        try:
            day = _date(row[date_at])
        except ValueError:
            errors.append(LineError(name, line, f"date {row[date_at]!r} is not YYYY-MM-DD"))
            continue
        values: list[tuple[str, Decimal]] = []
        bad = False
        for index, nutrient in nutrients:
            try:
                value = _number(row[index])
            except (InvalidOperation, ValueError):
                errors.append(LineError(name, line, f"{nutrient} {row[index]!r} is not a number"))
                bad = True
                break
            if value < 0:
                errors.append(LineError(name, line, f"{nutrient} {value} is negative"))
                bad = True
                break
            values.append((nutrient, value))
        if bad:
            continue
        totals = parsed.nutrition.setdefault(day, DayTotals())
        for nutrient, value in values:
            totals.add(nutrient, value)
        if note_at is not None and note_at < len(row) and row[note_at].strip():
            totals.notes.append(row[note_at].strip())
        totals.rows += 1
        totals.last_line = line
        totals.file = name
        count += 1
    for day, totals in sorted(parsed.nutrition.items()):
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
        for nutrient, limit in DAY_LIMITS.items():
            value = getattr(totals, nutrient)
            if value is not None and value > limit:
                errors.append(
                    LineError(
                        totals.file or name,
                        totals.last_line,
                        f"{day}: the day's {nutrient} total {value} exceeds {limit}",
                    )
                )
                break
    return count


def _weight_rows(
    parsed: ParsedExport,
    reader: Iterator[list[str]],
    keys: list[str],
    name: str,
    errors: list[LineError],
    unit: WeightUnit,
) -> int:
    date_at = keys.index("date")
    weight_at = keys.index("weight")
    count = 0
    for line, row in _rows(reader, name, errors):
        if len(row) <= max(date_at, weight_at):
            errors.append(LineError(name, line, f"has {len(row)} fields, the header {len(keys)}"))
            continue
        try:
            day = _date(row[date_at])
        except ValueError:
            errors.append(LineError(name, line, f"date {row[date_at]!r} is not YYYY-MM-DD"))
            continue
        raw = row[weight_at].strip()
        if not raw:
            continue  # a measurement row without a weight (another measurement)
        try:
            value = _number(raw)
        except (InvalidOperation, ValueError):
            errors.append(LineError(name, line, f"weight {raw!r} is not a number"))
            continue
        kg = (value * KG_PER_LB if unit == "lb" else value).quantize(_TWO, ROUND_HALF_UP)
        low, high = WEIGHT_RANGE_KG
        if not low <= kg <= high:
            errors.append(
                LineError(name, line, f"weight {raw} {unit} is {kg} kg, outside {low}-{high} kg")
            )
            continue
        parsed.weights_kg[day] = kg  # several weigh-ins on a date: the last one wins
        count += 1
    return count
