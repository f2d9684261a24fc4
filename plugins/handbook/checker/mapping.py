"""Change records from ITSM tools: a YAML mapping from record fields to export columns.

``handbook check --map FILE export.csv`` reads a CSV export with its own column names,
date formats and values, so it can be checked unchanged. A mapping file:

.. code-block:: yaml

    name: ServiceNow change_request (CSV export)
    date_format: "%Y-%m-%d %H:%M:%S"   # strftime format of the export's times, or ISO8601
    timezone: Europe/Amsterdam          # IANA zone of naive times and dates (the exporter's)
    list_separator: ","                 # between items of a list cell
    fields:
      id: number                        # a field read from a column as it is
      emergency:                        # a field read through a value map
        column: type
        values: {Emergency: true, Normal: false, Standard: false}
      initiator:
        column: requested_by
        values: {Microsoft Managed Desktop: microsoft}
        default: customer               # any other non-empty value
      advised_at: {column: cab_date, date_format: "%Y-%m-%d"}

Keys of a field: ``column`` (the export's column) or ``value`` (a constant); ``values``
(export value -> our value; matched exactly, then ignoring case), ``default`` (for
other non-empty values; without it they are kept and checked as written), ``empty``
(for empty cells), ``date_format`` and ``timezone`` (times), ``split`` (list
separator). A time that does not match its format is an E003 naming the column, unless
it is written with its UTC offset (read as any record's time). The ServiceNow mapping is
``data/mappings/servicenow.yaml``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from handbook.checker.records import BOOL_FIELDS, CSV_SUFFIXES, FIELDS, LIST_FIELDS
from handbook.checker.values import FIRST_DAY, LAST_DAY, NAIVE_TIME, VALID_TIME
from handbook.model.entities import TIME_FIELDS
from handbook.model.sources import load_yaml_text, not_a_file
from handbook.model.validation import validation_problems

Scalar = str | bool | int | float
#: Problems with rows: (row, field, code, message).
Issues = list[tuple[int, str, str, str]]


class MappingError(Exception):
    """The mapping file cannot be used (a usage error, exit code 2)."""


def _canon(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _with_offset(text: str) -> bool:
    """Whether ``text`` is a date-time with its UTC offset, which the checker reads itself
    whatever the mapping's date format (the advice of a local time the clocks repeat)."""
    return len(text) > 10 and VALID_TIME.fullmatch(text) is not None


_FAR = (
    f"is outside the times the checker reads ({FIRST_DAY} to {LAST_DAY} UTC, nanosecond "
    "timestamps); write a time within them, or leave the field empty when the record has no "
    "such time"
)
#: strftime directives of a time of day: a date format without them reads dates alone.
_CLOCK = ("%H", "%I", "%M", "%S", "%X", "%c", "%T", "%R", "%r")
#: A date-time without an offset, or a date alone: read in the mapping's time zone.
_NAIVE_OR_DATE = rf"(?:{NAIVE_TIME.pattern})|\d{{4}}-\d{{2}}-\d{{2}}"


def _no_such_day(text: str, fmt: str) -> str | None:
    """Why ``text``, written in the strftime format ``fmt``, names no time (``day is out of
    range for month`` for 29.02.2023 in ``%d.%m.%Y``), or None when it does not match
    ``fmt`` (or matches and names one)."""
    try:
        datetime.strptime(text, fmt)
    except ValueError as error:
        reason = str(error)
        return None if reason.startswith(("time data", "unconverted data")) else reason
    return None


def _zone(zone: str | None) -> str | None:
    """``zone`` when it is an IANA time zone; raises ValueError (at the key) otherwise."""
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {zone!r} (use an IANA name)") from None
    return zone


def _date_format(fmt: str | None) -> str | None:
    """``fmt`` when pandas can compile it (or ISO8601); raises ValueError otherwise."""
    if fmt is not None and fmt.lower() != "iso8601":
        if "%" not in fmt:  # another notation ('DD/MM/YYYY'): it would match no time
            raise ValueError(
                f"date_format {fmt!r} has no strftime directives, so it matches no time; "
                "write one such as '%d/%m/%Y %H:%M' (%d day, %m month, %b month name, %y or "
                "%Y year, %H or %I hour with %p AM/PM, %M minutes, %S seconds), or ISO8601"
            )
        try:  # pandas compiles the format before it reads a cell (and raises then)
            pd.to_datetime(pd.Series(["2000-01-01"]), format=fmt, errors="coerce")
        except ValueError as error:
            raise ValueError(
                f"date_format {fmt!r}: {error} (write a strftime format such as "
                "'%d/%m/%Y %H:%M', or ISO8601)"
            ) from None
    return fmt


class FieldMap(BaseModel):
    """How one record field is read from an export (see the module doc)."""

    model_config = ConfigDict(extra="forbid")

    column: str | None = None
    value: Scalar | None = None
    values: dict[str, Scalar] = Field(default_factory=dict)
    default: Scalar | None = None
    empty: Scalar | None = None
    date_format: str | None = None
    timezone: str | None = None
    split: str | None = None

    _valid_zone = field_validator("timezone")(_zone)
    _valid_format = field_validator("date_format")(_date_format)

    @field_validator("column")
    @classmethod
    def _stripped(cls, value: str | None) -> str | None:
        """The column as the header names it: header cells are read without the spaces
        around them, so a name copied with its trailing space still finds its column."""
        return value.strip() if value is not None else None

    @field_validator("values", mode="before")
    @classmethod
    def _keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {_canon(k): v for k, v in value.items()}
        return value


class Mapping(BaseModel):
    """A mapping file: record field -> `FieldMap` (a bare string is a column name)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str | None = None
    date_format: str = "ISO8601"
    timezone: str = "UTC"
    list_separator: str = ","
    fields: dict[str, FieldMap]

    _valid_zone = field_validator("timezone")(_zone)
    _valid_format = field_validator("date_format")(_date_format)

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: {"column": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("fields")
    @classmethod
    def _known(cls, value: dict[str, FieldMap]) -> dict[str, FieldMap]:
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            raise ValueError(
                f"unknown record field(s): {', '.join(unknown)}; fields are: {', '.join(FIELDS)}"
            )
        for name, spec in value.items():
            if (spec.column is None) == (spec.value is None):
                raise ValueError(f"field {name}: give exactly one of column and value")
        return value

    def columns(self) -> list[str]:
        """Export columns the mapping reads, in field order."""
        return [f.column for f in self.fields.values() if f.column is not None]

    def labels(self) -> dict[str, str]:
        """How input errors name each field read from a column: the field, then the
        export's column (``starts_at (column start_date)``), as the mapping's own E003s say
        it: a reader of the export knows its columns, not the record's fields."""
        return {n: f"{n} (column {f.column})" for n, f in self.fields.items() if f.column}

    def absent(self, header: Sequence[str]) -> list[str]:
        """A W002 message for each field read from a column ``header`` lacks (a misspelt
        column in the mapping or an export without it): the field is then ignored, so the
        rules that read it do not see it."""
        out = []
        for name, spec in self.fields.items():
            if spec.column is None or spec.column in header:
                continue
            close = difflib.get_close_matches(spec.column, list(header), n=1, cutoff=0.8)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            out.append(
                f"the mapping reads {name} from column '{spec.column}', which the header does "
                f"not have, so {name} is ignored{hint}"
            )
        return out

    def apply(self, raw: pd.DataFrame) -> tuple[pd.DataFrame, Issues, dict[str, str]]:
        """Map an export's rows (``raw``: export columns, NA for empty cells) to records.

        Returns ``(frame, issues, columns)``: the records frame (`FIELDS`, text values or
        NA), E003 issues ``(row, field, code, message)`` for times that do not match their
        format, and field -> export column (for positions).
        """
        n = len(raw)
        frame = pd.DataFrame(index=pd.RangeIndex(n))
        issues: Issues = []
        columns: dict[str, str] = {}
        for name in FIELDS:
            spec = self.fields.get(name)
            if spec is not None and spec.value is not None:
                frame[name] = pd.Series(_canon(spec.value), index=frame.index, dtype=object)
                continue
            if spec is None or spec.column is None or spec.column not in raw.columns:
                frame[name] = pd.Series(np.nan, index=frame.index, dtype=object)
                continue
            columns[name] = spec.column
            cells = raw[spec.column].reset_index(drop=True).astype(object)
            if name in LIST_FIELDS:
                frame[name] = self._lists(cells, spec)
            elif spec.values or spec.default is not None or spec.empty is not None:
                frame[name] = self._values(cells, spec)
            elif name in TIME_FIELDS:
                frame[name] = self._times(cells, spec, name, issues)
            else:
                frame[name] = cells
        for name in BOOL_FIELDS:
            if name in columns:
                frame[name] = self._flags(raw[columns[name]], frame[name], name, issues)
        return frame, issues, columns

    def _flags(self, cells: pd.Series, mapped: pd.Series, name: str, issues: Issues) -> pd.Series:
        """A boolean field's mapped values; a cell that did not become true or false (any
        case) is an E003 naming the export's column and value, and is left empty."""
        cells = cells.reset_index(drop=True)
        texts = mapped.astype(str).str.lower()
        bad = mapped.notna() & ~texts.isin(["true", "false"])
        column = self.fields[name].column
        for row in np.flatnonzero(bad.to_numpy()).tolist():
            value = cells.iat[row]
            message = (
                f"{name} (column {column}) is '{value}', which the mapping does not turn into "
                f"true or false; add it to the mapping's values for {name} (values: "
                f"{{{value}: true}} or {{{value}: false}}, whichever it means) or give the "
                "field a default"
            )
            issues.append((row, name, "E003", message))
        return mapped.where(~bad, np.nan)

    @staticmethod
    def _lookup(spec: FieldMap, value: str) -> str:
        if value in spec.values:
            return _canon(spec.values[value])
        folded = value.casefold()
        for key, target in spec.values.items():
            if key.casefold() == folded:
                return _canon(target)
        if spec.default is not None:
            return _canon(spec.default)
        return value

    def _values(self, cells: pd.Series, spec: FieldMap) -> pd.Series:
        uniques = {v: self._lookup(spec, str(v)) for v in pd.unique(cells.dropna())}
        out = cells.map(uniques).astype(object)
        if spec.empty is not None:
            out = out.where(cells.notna(), _canon(spec.empty))
        return out.where(out.notna(), np.nan)

    def _lists(self, cells: pd.Series, spec: FieldMap) -> pd.Series:
        sep = spec.split or self.list_separator

        def one(value: str) -> str:
            items = [v.strip() for v in value.split(sep) if v.strip()]
            return ";".join(self._lookup(spec, v) if spec.values else v for v in items)

        uniques = {v: one(str(v)) for v in pd.unique(cells.dropna())}
        out = cells.map(uniques).astype(object)
        return out.where(out.notna() & (out != ""), np.nan)

    def _times(self, cells: pd.Series, spec: FieldMap, name: str, issues: Issues) -> pd.Series:
        fmt = spec.date_format or self.date_format
        zone = spec.timezone or self.timezone
        present = cells.notna()
        if not present.any():
            return cells
        where = f"{name} (column {spec.column})"
        if fmt.upper() == "ISO8601":
            # times with an offset are read by the checker itself; naive ones are local, a
            # date alone too (its local midnight, as a date_format of %Y-%m-%d reads it)
            naive = present & cells.astype(str).str.fullmatch(_NAIVE_OR_DATE)
            if not naive.any():
                return cells
            values = cells[naive].astype(str)
            parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
            dated = values.str.len() == 10
            out = cells.copy()
        else:
            values = cells[present].astype(str)
            parsed = pd.to_datetime(values, format=fmt, errors="coerce")
            dated = pd.Series(not any(d in fmt for d in _CLOCK), index=values.index)
            out = pd.Series(np.nan, index=cells.index, dtype=object)
            for row in parsed.index[parsed.isna()].tolist():
                text = str(values.at[row])
                if _with_offset(text):  # read by the checker itself
                    out.at[row] = text
                    continue
                reason = _no_such_day(text, fmt)
                message = (
                    f"{where} '{text}' does not match the mapping's date format {fmt}"
                    if reason is None
                    else f"{where} '{text}' is in the mapping's date format {fmt} but names no "
                    f"time ({reason}); write a date and time that exist"
                )
                issues.append((int(row), name, "E003", message))
        if getattr(parsed.dt, "tz", None) is None:
            local = parsed.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
            shifted = parsed.dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
            twice = set(parsed.index[parsed.notna() & shifted.isna()].tolist())
            day = parsed.notna() & local.isna() & dated
            if day.any():  # a date alone whose midnight is skipped or repeated: its first instant
                first = np.ones(int(day.sum()), dtype=bool)  # a repeated hour: the earlier
                local = local.where(
                    ~day,
                    parsed[day].dt.tz_localize(zone, ambiguous=first, nonexistent="shift_forward"),
                )
            for row in parsed.index[parsed.notna() & local.isna()].tolist():
                what = (
                    f"happens twice in time zone {zone} (the clocks went back); say which with "
                    "a UTC offset"
                    if row in twice
                    else f"does not exist in time zone {zone} (the clocks went forward); check "
                    "it, or give it with its UTC offset"
                )
                issues.append((int(row), name, "E003", f"{where} '{values.at[row]}' {what}"))
                out.at[row] = np.nan
            parsed = local
        utc = parsed.dt.tz_convert("UTC")
        ok = utc.notna()
        # beyond the checker's times (an export's 9999-12-31 for "never"): said here, as the
        # export writes it, not as the UTC text the checker would quote
        lo, hi = pd.Timestamp(FIRST_DAY, tz="UTC"), pd.Timestamp(LAST_DAY, tz="UTC")
        for row in utc.index[ok & ((utc < lo) | (utc >= hi + pd.Timedelta(days=1)))].tolist():
            issues.append((int(row), name, "E003", f"{where} '{values.at[row]}' {_FAR}"))
            out.at[row], ok.at[row] = np.nan, False
        # to the nanosecond: a date format with %f reads fractions of a second
        nanos = utc[ok].dt.microsecond * 1000 + utc[ok].dt.nanosecond
        fraction = ("." + nanos.astype(str).str.zfill(9)).where(nanos > 0, "")
        out.loc[utc.index[ok]] = utc[ok].dt.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"
        return out


def _plain(value: Any) -> Any:
    """A loaded YAML value without the loader's ``at`` positions, texts as plain `str`."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if k != "at"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _at(node: Any, key: str) -> str:
    """``line:column`` of ``key`` in the loaded YAML mapping ``node`` (or of ``node``)."""
    at = node.get("at") if isinstance(node, dict) else None
    if not isinstance(at, dict):
        return "1:1"
    line, column = at.get("keys", {}).get(key, (at.get("line"), at.get("column")))
    return f"{line}:{column}"


def _field_problems(raw: Any, file: str) -> tuple[list[str], set[str]]:
    """What the model cannot say well of a mapping's ``fields`` (loaded YAML, with
    positions): ``file:line:column: ...`` lines for record fields that do not exist
    (with the one meant), values mapped to a list, and a flag's targets that are not true
    or false; and the unknown fields, to leave out of the model's validation."""
    fields = raw.get("fields") if isinstance(raw, dict) else None
    if not isinstance(fields, dict):
        return [], set()
    lines, unknown = [], set()
    for name, spec in fields.items():
        if name == "at":
            continue
        if name not in FIELDS:
            unknown.add(name)
            close = difflib.get_close_matches(str(name), FIELDS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"fields are: {', '.join(FIELDS)}"
            lines.append(f"{file}:{_at(fields, name)}: unknown record field '{name}' ({hint})")
            continue
        if not isinstance(spec, dict):
            continue
        values = spec.get("values")
        pairs = [(k, v) for k, v in values.items() if k != "at"] if isinstance(values, dict) else []
        for key, target in pairs:
            if isinstance(target, list | dict):
                kind = "a list" if isinstance(target, list) else "a mapping"
                lines.append(
                    f"{file}:{_at(values, key)}: {name}: values maps '{key}' to {kind}; map each "
                    "export value to one value (text, a number, true or false)"
                )
            elif name in BOOL_FIELDS and _canon(target).lower() not in {"true", "false"}:
                lines.append(
                    f"{file}:{_at(values, key)}: {name}: values maps '{key}' to '{target}', which "
                    f"is not true or false (write {key}: true or {key}: false)"
                )
        for key in ("value", "default", "empty"):
            given = spec.get(key)
            flag = _canon(given).lower() if isinstance(given, str | int | float) else "true"
            if name in BOOL_FIELDS and flag not in {"true", "false"}:
                lines.append(
                    f"{file}:{_at(spec, key)}: {name}: {key} is '{given}', which is not true "
                    f"or false (write {key}: true or {key}: false)"
                )
    specs = [s for k, s in fields.items() if k != "at"]
    read = [s for s in specs if isinstance(s, str) or (isinstance(s, dict) and "column" in s)]
    if not unknown and not read:
        lines.append(
            f"{file}:{_at(fields, '')}: the mapping reads no column of the export; give each "
            "field its column (id: number, starts_at: start_date)"
        )
    return lines, unknown


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; raises `MappingError` with what is wrong."""
    why = not_a_file(path, pipes=True)
    if why is not None:
        raise MappingError(f"cannot read the mapping file {path}: {why}")
    if path.suffix.lower() in CSV_SUFFIXES:  # the export where the mapping goes
        raise MappingError(
            f"{path}: --map takes the mapping file (YAML) and this is a CSV file; give the "
            f"export after the mapping: handbook check --map MAPPING.yaml {path.name}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"cannot read the mapping file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise MappingError(f"cannot read the mapping file {path}: not UTF-8 text") from exc
    # the project's loader: only null and true/false are typed (YAML 1.2 core), so keys
    # such as Yes/No/On stay the export's texts (yaml.safe_load made them booleans)
    docs, problems = load_yaml_text(text, str(path))
    if problems:
        p = problems[0]
        raise MappingError(f"{p.location()}: {p.message}")
    data = _plain(docs[0]) if docs else None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: expected a mapping with name and fields")
    lines, unknown = _field_problems(docs[0], str(path))
    if unknown and isinstance(data.get("fields"), dict):  # said above, with the field meant
        data["fields"] = {k: v for k, v in data["fields"].items() if k not in unknown}
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        # positions from the loaded YAML (`_plain` dropped them for the model)
        keys = {*Mapping.model_fields, *FieldMap.model_fields}
        found = validation_problems(exc, docs[0], str(path), keys)
        said = {line.split(": ", 1)[0] for line in lines}
        for p in found:  # one line a place: the ones above say it better
            if p.location() not in said:
                lines.append(f"{p.location()}: {p.message}" + (f" ({p.hint})" if p.hint else ""))
    else:
        if not lines:
            return mapping
    if len(lines) == 1:  # one line naming the file and the reason
        raise MappingError(f"the mapping is not valid: {lines[0]}")
    raise MappingError("the mapping is not valid:\n" + "\n".join(lines))
