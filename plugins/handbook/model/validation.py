"""Typed validation of raw data with human errors: pydantic errors become `Problem` values.

`validate(model, raw, file)` checks one raw value (as read by `handbook.model.sources`:
mappings carry an ``at`` position, scalars are `LocatedStr`) against a model of
`handbook.model.entities`; `validate_list` does so item by item. Every pydantic error is
translated into a `Problem` at the deepest position known, with a hint saying what would be
right (a did-you-mean for misspelt keys and values).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Hashable, Iterable
from dataclasses import replace
from typing import Any, TypeVar, cast

from pydantic import TypeAdapter, ValidationError

from handbook.model.entities import Node
from handbook.model.fixed_ids import DOC_ID_PATTERN, EDITION_ID_PATTERN, RULE_ID_PATTERN
from handbook.model.problems import Problem
from handbook.model.sources import LocatedStr

T = TypeVar("T")

#: Every field name of every model, for "did you mean" hints on unknown keys.
_ALL_KEYS = {k for m in Node.__subclasses__() for k in m.model_fields if k != "at"}
#: The keys a model may go without (a key required wherever it is a field is not one).
_OPTIONAL_KEYS = {
    k for m in Node.__subclasses__() for k, f in m.model_fields.items() if not f.is_required()
}

_HINTS = {
    "string_pattern_mismatch": "use lowercase words joined by hyphens, e.g. 'service-accounts'",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
    "date_parsing": "write a date as YYYY-MM-DD",
    "date_type": "write a date as YYYY-MM-DD",
    "time_delta_parsing": "write a duration in ISO 8601, e.g. P5D (5 days) or PT48H (48 hours)",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "list_type": "write a list: one '- item' per line, or [a, b]",
    "dict_type": "write a mapping of 'key: value' lines",
    "model_type": "write a mapping of 'key: value' lines",
    "model_attributes_type": "write a mapping of 'key: value' lines",
    "string_type": "write text (quote it if it starts with a special character)",
    "too_short": "add at least one item",
    "value_order": "an edition ends on or after the day it starts",
}


#: Our problem code for a pydantic error type (any other: ``wrong-type``).
_CODES = {
    "missing": "missing-key",
    "extra_forbidden": "unknown-key",
    "literal_error": "wrong-value",
    "enum": "wrong-value",
    "string_pattern_mismatch": "wrong-value",
    "value_order": "wrong-value",
}

#: Hints for the patterns that are not kebab-case ids.
_PATTERN_HINTS = {
    RULE_ID_PATTERN: "write the service's prefix in capitals and three digits, e.g. 'MMD001'",
    DOC_ID_PATTERN: "a document id is three digits, e.g. '005'",
    EDITION_ID_PATTERN: (
        "an edition id is letters, digits, '.' and '-' (no spaces), e.g. '2026' or '2026-03'"
    ),
}


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (difflib, cutoff 0.6), or None."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def expected_one_of(choices: Iterable[str], given: str | None = None) -> str:
    """``expected one of: a, b, c`` plus a did-you-mean when one is close; ``none is
    defined yet: define it first`` when there is no choice."""
    options = sorted(set(choices))
    if not options:
        return "none is defined yet: define it first"
    text = "expected one of: " + ", ".join(options)
    if given is not None and (guess := did_you_mean(given, options)):
        text = f"did you mean '{guess}'? " + text
    return text


def _shape(value: list[Any] | dict[str, Any]) -> str:
    return "list" if isinstance(value, list) else "mapping"


def _position(
    raw: Any, loc: tuple[int | str, ...], of_key: bool = False
) -> tuple[str | None, int | None, int | None]:
    """Walk ``raw`` along a pydantic error location; return the deepest known position
    (``of_key``: the last key's own position, not its value's)."""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    obj = raw
    for i, key in enumerate(loc):
        if isinstance(obj, dict):
            at = obj.get("at")
            if isinstance(at, dict):
                file, line, column = at.get("file"), at.get("line"), at.get("column")
                if isinstance(key, str) and key in at.get("keys", {}):
                    line, column = at["keys"][key]
                    if of_key and i == len(loc) - 1:
                        break
            if key in obj:
                obj = obj[key]
            else:
                continue
        elif isinstance(obj, list) and isinstance(key, int) and 0 <= key < len(obj):
            positions = getattr(obj, "positions", None)  # a YAML list: each item's place
            if positions and key < len(positions):
                line, column = positions[key]
            obj = obj[key]
        else:
            continue
        if isinstance(obj, LocatedStr):
            file, line, column = obj.file, obj.line, obj.column
        elif isinstance(obj, dict) and isinstance(obj.get("at"), dict):
            at = obj["at"]
            file, line, column = at.get("file"), at.get("line"), at.get("column")
    return file, line, column


def validation_problems(
    exc: ValidationError, raw: Any, file: str, keys: Iterable[str] | None = None
) -> list[Problem]:
    """Translate a pydantic `ValidationError` into problems with positions and hints;
    ``keys``: the keys an unknown key may be a misspelling of (default: every data
    model's)."""
    problems: list[Problem] = []
    seen: set[tuple[int | None, int | None, str | None]] = set()
    # a union's literal choice by the place of the union: list[str] | Literal["any"]
    choices = {_plain_loc(e["loc"]): e["msg"] for e in exc.errors() if e["type"] == "literal_error"}
    texts = {  # '- Note: it is': a text read as a mapping of one key
        _plain_loc(e["loc"][:-1]): text
        for e in exc.errors()
        if e["type"] == "extra_forbidden" and (text := _colon_text(raw, e["loc"]))
    }
    for err in exc.errors():
        loc = tuple(err["loc"])
        where, line, column = _position(raw, loc, of_key=err["type"] == "extra_forbidden")
        names = [k for k in loc if isinstance(k, str) and "[" not in k]
        field = names[-1] if names else None
        kind = err["type"]
        # one problem per position (unions report each alternative), but every missing
        # key of an entry, which all sit at the entry's position
        place = (line, column, field if kind == "missing" else None)
        if place in seen:
            continue
        seen.add(place)
        given = err.get("input")
        hint = _HINTS.get(kind)
        text = texts.get(_plain_loc(loc[:-1]))
        if text is not None and kind in {"missing", "extra_forbidden"}:
            if kind == "missing":
                continue
            message = f"'{text}' is read as a key and its value, not as text"
            hint = f'quote the text, as in - "{field}: ..."'
            kind = "text_as_mapping"  # wrong-type, not unknown-key
        elif kind == "missing":
            message = f"missing required key '{field}'"
            hint = f"add '{field}: ...' to this entry"
        elif kind == "extra_forbidden":
            message = f"unknown key '{field}'"
            guess = did_you_mean(str(field), _ALL_KEYS if keys is None else keys)
            hint = f"did you mean '{guess}'?" if guess else "remove it or check its spelling"
        elif kind in {"literal_error", "enum"}:
            message = f"'{given}' is not allowed for '{field}'"
            if isinstance(given, list | dict):  # [timing] for timing
                message = f"'{field}' takes one value, not a {_shape(given)}"
            hint = err["msg"].replace("Input should be", "expected")
        elif kind == "string_type" and isinstance(given, list | dict):  # title: [Advance]
            message = f"'{field}' takes one value, not a {_shape(given)}"
            hint = (
                f"write the value alone, as in {field}: value (quote it if it starts with [ or {{)"
            )
        elif kind == "string_type" and isinstance(given, bool):  # testing: true
            written = str(given).lower()
            message = f"'{field}' is text; {written} is read as a boolean"
            hint = f'quote it: {field}: "{written}"'
        elif kind == "list_type" and isinstance(given, str) and _plain_loc(loc) in choices:
            message = f"'{given}' is not allowed for '{field}'"
            hint = f"{hint}; or {choices[_plain_loc(loc)].removeprefix('Input should be ')}"
        elif kind == "string_too_short" and given == "":
            if str(where or file).lower().endswith(".csv") and names:
                field = names[0]  # the column (a statement cell is read as its 'text')
            message, hint = f"'{field}' is empty", "write its text"
        elif given is None and loc[-1:] == (field,) and kind.endswith("_type"):  # 'title:'
            message = f"'{field}' has no value"
            hint = f"write its value after '{field}: '"
            hint += ", or remove the key" if field in _OPTIONAL_KEYS else ""
        elif kind in {"bool_type", "bool_parsing"}:  # 'no', which YAML 1.2 reads as text
            message = f"'{field}' is true or false, not '{given}'"
        elif kind == "string_pattern_mismatch":
            message = f"'{given}' is not a valid value for '{field}'"
            hint = _PATTERN_HINTS.get(str((err.get("ctx") or {}).get("pattern")), hint)
        elif kind in {"dict_type", "model_type", "model_attributes_type"} and given is None:
            message = "an empty list item (a '-' with nothing after it)"
            hint = "write the entry after the '- ', or delete the line"
        elif kind in {"dict_type", "model_type", "model_attributes_type"}:
            message = f"'{field}' is not a mapping" if field else "expected a mapping here"
        else:
            text = err["msg"].removeprefix("Value error, ")
            message = f"invalid '{field}': {text}" if field else text
        code = _CODES.get(kind, "wrong-type")
        problems.append(Problem(code, message, where or file, line, column, hint))
    return problems


def _colon_text(raw: Any, loc: Iterable[int | str]) -> str | None:
    """``key: value...`` when the list item at ``loc``'s parent is a mapping of that one
    key, which reads as words (a space or a capital: ``Note``), to a text: a list item of
    text holding ``': '``, which YAML reads as a mapping; else None."""
    *parent, key = _plain_loc(loc)
    if not parent or not isinstance(parent[-1], int):  # a list item's, only
        return None
    obj = raw
    for step in parent:
        if not isinstance(obj, dict | list):
            return None
        try:
            obj = cast(Any, obj)[step]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(obj, dict) or [k for k in obj if k != "at"] != [key]:
        return None
    value = obj[key]
    words = isinstance(key, str) and (" " in key or key != key.lower())
    if not words or not isinstance(value, str):
        return None
    short = value if len(value) <= 30 else value[:30].rsplit(" ", 1)[0] + "..."
    return f"{key}: {short}"


def _plain_loc(loc: Iterable[int | str]) -> tuple[int | str, ...]:
    """A pydantic error location without a union's choice names (``list[str]``)."""
    return tuple(k for k in loc if not (isinstance(k, str) and "[" in k))


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def validate(model: type[T], raw: Any, file: str) -> tuple[T | None, list[Problem]]:
    """Validate ``raw`` as ``model``; problems carry the positions found in ``raw``."""
    try:
        value: T = _adapter(cast(Hashable, model)).validate_python(raw)
        return value, []
    except ValidationError as exc:
        return None, validation_problems(exc, raw, file)


def validate_list(model: type[T], raw: Any, file: str) -> tuple[list[T], list[Problem]]:
    """Validate a YAML list item by item, so one bad entry does not hide the others."""
    if not isinstance(raw, list):
        return [], [
            Problem(
                "wrong-type",
                "expected a list of entries ('- ...' lines)",
                file,
                1,
                hint="start each entry with '- '",
            )
        ]
    out: list[T] = []
    problems: list[Problem] = []
    positions = getattr(raw, "positions", None) or []
    for i, item in enumerate(raw):
        value, found = validate(model, item, file)
        if i < len(positions):  # an item with no place of its own (a lone '-'): the item's
            found = [
                p if p.line else replace(p, line=positions[i][0], column=positions[i][1])
                for p in found
            ]
        problems += found
        if value is not None:
            out.append(value)
    return out, problems
