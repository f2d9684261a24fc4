"""The canonical form of the data files (``handbook fmt``), comments kept.

YAML files are read and written with ruamel.yaml's round-trip mode, which keeps comments,
block scalars (``>-``) and flow mappings as written. The canonical form:

- keys in the order of the model's fields (`handbook.model.schemas.model_of` gives the
  model of each kind of file; keys the model does not know stay last, in their order);
- 2-space indentation for mappings, list items indented by 2 under their key
  (``key:\\n  - item``), a top-level list at column 0;
- a quoted string in double quotes, and a string quoted only when plain text would be read
  as something else (``"000"``, ``"2018"``, ``"yes: no"``, in a flow collection any
  text with ``,:?[]{}#``);
- a list of scalars in flow style (``[notified_at, starts_at]``) when it is short
  (`FLOW_LIST_MAX`, `FLOW_ITEM_MAX`) and not a list of statements, any other list in
  block style; a flow mapping stays flow when its values are scalars or flow lists, else
  it becomes block;
- no line folding (one line a plain scalar, however long); LF line endings, one final
  newline, no trailing spaces.

CSV files are rewritten with the standard library's ``csv`` module: minimal quoting, LF
line endings, a final newline, cells unchanged.

`canonical_text(path, text)` returns the canonical text of a file; `DEFAULT_FILES` lists
the files ``handbook fmt`` formats when given no path (relative to ``data/``).

Raises `FormatError` (with file and line) when a file cannot be parsed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path, PurePosixPath
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import MarkedYAMLError

from handbook.model.problems import yaml_syntax_message
from handbook.model.schemas import KINDS, kind_of, model_of
from handbook.model.statement_ids import alternatives, assign_csv_ids, assign_yaml_ids

#: Kinds of YAML file whose statements ``handbook fmt --add-ids`` gives ids to.
ID_KINDS = ("change-types", "sop-categories", "roles", "prose", "overview")

#: Files ``handbook fmt`` formats by default, relative to ``data/`` (sample change records,
#: mapping samples and generated files are left as they are).
DEFAULT_FILES = [
    *(f"{kind}.yaml" for kind in KINDS if kind not in ("samples", "mapping")),
    "samples/samples.yaml",
    "responsibility-matrix.csv",
    "change-process.csv",
]

#: A list of scalars is written in flow style when its items (plus 2 a separator) take at
#: most this many characters.
FLOW_LIST_MAX = 80
#: ... and each item at most this many (a longer one is prose, e.g. a note).
FLOW_ITEM_MAX = 40


class FormatError(Exception):
    """A file that cannot be formatted: ``str()`` is ``file:line:column: what is wrong``."""


#: Characters that end a plain scalar in a flow collection for YAML 1.1 readers (PyYAML,
#: which the loader uses) though YAML 1.2 allows some of them: such a scalar is quoted.
_FLOW_INDICATORS = set(",:?[]{}#")


class _Emitter(RoundTripEmitter):
    """Round-trip emitter that quotes with ``"`` wherever it would have chosen ``'``, and
    quotes a scalar in a flow collection holding a flow indicator (`_FLOW_INDICATORS`)."""

    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        if style == "" and self.flow_level and _FLOW_INDICATORS & set(self.event.value):
            return '"'
        return '"' if style == "'" else style


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Emitter = _Emitter
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never fold a line
    yaml.preserve_quotes = False
    return yaml


def _walk(node: Any, annotation: Any) -> None:
    """Put ``node``'s keys in model order and set list and mapping styles, recursively
    (children first: a mapping's style depends on its values')."""
    for alternative in alternatives(annotation):
        origin = get_origin(alternative)
        if isinstance(node, CommentedMap):
            if isinstance(alternative, type) and issubclass(alternative, BaseModel):
                _order(node, alternative)
                for key, field in alternative.model_fields.items():
                    if key in node:
                        _walk(node[key], field.annotation)
                _style_map(node)
                return
            if origin is dict:
                for value in node.values():
                    _walk(value, get_args(alternative)[1])
                _style_map(node)
                return
        if isinstance(node, CommentedSeq) and origin is list:
            item = get_args(alternative)[0]
            for value in node:
                _walk(value, item)
            prose = any(
                isinstance(a, type) and issubclass(a, BaseModel) for a in alternatives(item)
            )
            _style_seq(node, prose)
            return
    if isinstance(node, CommentedSeq):
        for value in node:
            _walk(value, Any)
        _style_seq(node, prose=False)
    elif isinstance(node, CommentedMap):
        for value in node.values():
            _walk(value, Any)
        _style_map(node)


def _order(node: CommentedMap, model: type[BaseModel]) -> None:
    known = [k for k in model.model_fields if k in node]
    unknown = [k for k in node if k not in model.model_fields]
    for key in [*known, *unknown]:
        node.move_to_end(key)


def _flat(value: Any) -> bool:
    """A scalar, or a list written in flow style."""
    if isinstance(value, CommentedSeq):
        return bool(value.fa.flow_style())
    return not isinstance(value, CommentedMap)


def _style_seq(node: CommentedSeq, prose: bool) -> None:
    """Flow style for a short list of short scalars (not statements), else block."""
    scalars = all(not isinstance(v, CommentedMap | CommentedSeq) for v in node)
    short = sum(len(str(v)) + 2 for v in node) <= FLOW_LIST_MAX and all(
        len(str(v)) <= FLOW_ITEM_MAX for v in node
    )
    if scalars and short and not (prose and node):
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()


def _style_map(node: CommentedMap) -> None:
    if node.fa.flow_style() and not all(_flat(v) for v in node.values()):
        node.fa.set_block_style()


def _top_level_at_column_0(text: str) -> str:
    """Shift a top-level list (emitted at column 2) to column 0."""
    return "\n".join(line[2:] if line.startswith("  ") else line for line in text.split("\n"))


def canonical_yaml(
    text: str, model: type[BaseModel] | None, many: bool, name: str, add_ids: bool = False
) -> str:
    """The canonical text of a YAML data file (see module doc); ``model`` is the model of
    the file (of each item when ``many``), None to format without reordering; with
    ``add_ids``, statements without id get one (`handbook.model.statement_ids`).

    Raises:
        FormatError: the text is not YAML.
    """
    yaml = _yaml()
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise FormatError(f"{where}: {yaml_syntax_message(exc, text)}") from None
    if data is None:  # empty, or comments only: nothing to reorder
        lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
        return "\n".join(lines).strip("\n") + "\n" if text.strip() else ""
    _numbers_as_text(data, text.splitlines())
    if model is not None and add_ids:
        assign_yaml_ids(data, model, many)
    if model is not None:
        _walk(data, list[model] if many else model)  # type: ignore[valid-type]
    out = io.StringIO()
    yaml.dump(data, out)
    result = out.getvalue()
    if isinstance(data, CommentedSeq) and not data.fa.flow_style():
        result = _top_level_at_column_0(result)
    result = _comments_above_first_items(result)
    lines = [line.rstrip() for line in result.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).rstrip("\n") + "\n"


_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*$")
#: A plain scalar that ruamel.yaml reads as a number, as written (up to a space, a comment
#: or a flow indicator).
_NUMBER_TOKEN = re.compile(r"[^\s,\]}#]+")


def _numbers_as_text(node: Any, lines: list[str]) -> None:
    """Replace each number (``edition: 2022``, ``doc: 001``) by its text as written, so
    that it is written back quoted (``"2022"``, ``"001"``): the loader reads it as text
    (`handbook.model.sources`: only null and booleans are typed) and the schemas say text,
    while an editor reads a plain one as a number."""
    if isinstance(node, CommentedMap):
        places = [(key, node.lc.value(key)) for key in node]
    elif isinstance(node, CommentedSeq):
        places = [(i, node.lc.item(i)) for i in range(len(node))]
    else:
        return
    for key, (line, column) in places:
        value = node[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            token = _NUMBER_TOKEN.match(lines[line], column) if line < len(lines) else None
            if token:
                node[key] = token.group()
        else:
            _numbers_as_text(value, lines)


def _comments_above_first_items(text: str) -> str:
    """Indent a comment that stands above the first item of a nested list as that item.

    ruamel.yaml writes such a comment at its parent key's indentation, two columns left of
    where it was, and so on at each run; this puts it back, so formatting twice changes
    nothing. Lines inside block scalars (``>-``, ``|``) are text, never comments."""
    lines = text.split("\n")
    block: int | None = None  # indentation of the line that opened a block scalar
    for i, line in enumerate(lines):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if block is not None:
            if not body or indent > block:
                continue
            block = None
        if not body.startswith("#"):
            if _BLOCK_SCALAR.search(line):
                block = indent
            continue
        following = next(
            (x for x in lines[i + 1 :] if x.strip() and not x.lstrip().startswith("#")), ""
        )
        item = following.lstrip(" ")
        item_indent = len(following) - len(item)
        if item.startswith("- ") and item_indent > indent:
            lines[i] = " " * item_indent + body
    return "\n".join(lines)


def canonical_csv(text: str, name: str = "<csv>", add_ids: bool = False) -> str:
    """The canonical text of a CSV file: same cells, minimal quoting, LF, final newline;
    with ``add_ids``, duties get ids (`handbook.model.statement_ids.assign_csv_ids`).

    Raises:
        FormatError: the text is not CSV (e.g. a NUL byte, a quote left open).
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise FormatError(f"{name}:{reader.line_num}: not valid CSV: {exc}") from None
    if add_ids:
        rows = assign_csv_ids(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue()


def canonical_text(path: Path, text: str, data: Path | None = None, add_ids: bool = False) -> str:
    """The canonical text of the data file ``path`` (YAML or CSV, by extension); ``data``
    is the data folder, to tell the kind of a YAML file (default: ``path``'s parent, or its
    grandparent for ``samples/samples.yaml``); ``add_ids`` gives statements without id one
    (``handbook fmt --add-ids``; in CSV files only ``change-process.csv``).

    Raises:
        FormatError: the file is neither YAML nor CSV, or cannot be parsed.
    """
    name = str(path)
    if path.suffix == ".csv":
        return canonical_csv(text, name, add_ids and path.name == "change-process.csv")
    if path.suffix not in (".yaml", ".yml"):
        raise FormatError(f"{name}: not a YAML or CSV file")
    kind = None
    if data is not None:
        with contextlib.suppress(ValueError):  # a file outside ``data``
            kind = kind_of(PurePosixPath(path.resolve().relative_to(data.resolve())).as_posix())
    if kind is None:
        relative = "/".join(path.parts[-2:]) if path.parent.name == "samples" else path.name
        kind = kind_of(relative)
    if kind is None:
        return canonical_yaml(text, None, False, name)
    many = KINDS[kind][1]
    return canonical_yaml(text, model_of(kind), many, name, add_ids and kind in ID_KINDS)
