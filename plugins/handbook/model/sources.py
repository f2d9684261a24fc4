"""Reading YAML and CSV files while keeping where every value came from.

YAML is read with PyYAML's composer (libyaml's, ``yaml.CParser``, when PyYAML has it, the
text cannot nest deep enough to exhaust the C stack and holds no alias; the pure-Python
one otherwise, which reports deep nesting as a problem and keeps each alias's place), so
each mapping carries its position and each scalar is a `LocatedStr` (a `str` with
``line`` and ``column``); a value read through an alias (``*base``) is placed at the
alias, in the record that uses it, not at its anchor. Only ``null``, ``true`` and
``false`` are resolved; every other scalar stays a string, so ``002`` stays ``"002"`` and
``2022-12-06`` stays a date string for the typed model to parse (YAML 1.1's octal,
sexagesimal and ``yes``/``no`` surprises cannot happen). Mappings get an ``at`` key
(``{"file", "line", "column"}``) injected, which the typed model reads as the object's
origin.

CSV is read by `handbook.model.csvtext`.
"""

from __future__ import annotations

import contextlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from handbook.model.problems import Problem, yaml_syntax_hint, yaml_syntax_mark, yaml_syntax_message

#: Largest data file read (`read_text`): the biggest of MMD's is 18 KB, and a glossary
#: definition of 50 MB, copied into every page's tooltips, took 14 GB to build.
MAX_DATA_BYTES = 4 << 20

#: Upper bound on the nodes one YAML file may expand to (guards against alias bombs).
MAX_NODES = 2_000_000


class LocatedList(list[Any]):
    """A YAML sequence that knows the 1-based (line, column) of each of its items (an
    empty item ``-`` is None, which cannot carry its own position)."""

    positions: list[tuple[int, int]]


class LocatedStr(str):
    """A string that knows its 1-based line and column in its file."""

    line: int
    column: int
    file: str

    def __new__(cls, value: str, line: int, column: int, file: str = "<memory>") -> LocatedStr:
        obj = super().__new__(cls, value)
        obj.line = line
        obj.column = column
        obj.file = file
        return obj


class _Resolver(yaml.resolver.BaseResolver):
    """Resolves only null, booleans (YAML 1.2 core spellings) and the merge key ``<<``;
    all else is a string."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Resolver.add_implicit_resolver(  # ``<<: *base`` (merge key), as every YAML loader reads it
    "tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""],
)


class _AliasNode(yaml.Node):
    """An alias (``*name``) as the pure-Python composer met it: the node it names
    (``target``) at the alias's own place, so what is read through it is placed there."""

    id = "alias"

    def __init__(self, target: yaml.Node, mark: Any) -> None:
        super().__init__(target.tag, target.value, mark, mark)
        self.target = target


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _Resolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """The composer's node; an alias as an `_AliasNode` (libyaml's composer gives the
        node it names, placed at its anchor)."""
        alias = self.check_event(yaml.AliasEvent)
        mark = self.peek_event().start_mark if alias else None  # type: ignore[no-untyped-call]
        node = super().compose_node(parent, index)
        return _AliasNode(node, mark) if mark is not None and node is not None else node


#: Deepest nesting libyaml's recursive composer is given (it overflowed the C stack past
#: 20,000 levels in a test; the pure-Python composer raises RecursionError instead).
C_MAX_DEPTH = 5_000

try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    HAVE_LIBYAML = False
else:
    HAVE_LIBYAML = True

    class _CLoader(CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Resolver.__init__(self)


def depth_bound(text: str) -> int:
    """An upper bound on the nesting depth of the YAML in ``text``.

    Each level is a flow collection, which needs its own ``[`` or ``{``, or a block
    collection, which sits further right than its parent's parent (a block sequence may
    share its mapping key's column, once). So the depth is at most the number of flow
    openers plus twice the longest line, plus one."""
    longest = max(map(len, text.splitlines()), default=0)
    return text.count("[") + text.count("{") + 2 * (longest + 1) + 1


_SURROGATE = re.compile("[\ud800-\udfff]")

#: An alias token may be here (``- *base``, ``: *x``, ``[*a``, ``<<: *base``): such a text
#: is composed by the pure-Python composer, which keeps each alias's place (`_AliasNode`).
_ALIAS = re.compile(r"(?:^[ \t]*(?:-[ \t]+)*|[:?,\[{-][ \t]*)\*[^\s,\[\]{}]", re.M)


class _TooBig(Exception):
    """The values' budget ran out at ``node``."""

    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node


def _deepest(root: yaml.Node) -> yaml.Node:
    """The node nested deepest under ``root``, found without recursion (each node once,
    so a node shared by aliases costs one visit)."""
    deepest, most = root, 0
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > most:
            deepest, most = node, depth
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend((value, depth + 1) for _, value in reversed(node.value))
    return deepest


def _place(node: yaml.Node) -> tuple[int, int]:
    """``node``'s 1-based line and column."""
    return node.start_mark.line + 1, node.start_mark.column + 1


@dataclass
class _Converter:
    file: str
    problems: list[Problem]
    budget: int = MAX_NODES
    #: the pure-Python scanner reads ``"\\uD83D\\uDE80"`` (JSON's escape of a character
    #: past U+FFFF, as Python's and PHP's JSON writers write it) as two surrogates
    surrogates: bool = False
    #: the place of the alias being read: what it names is placed there, in its record
    alias_at: tuple[int, int] | None = None

    def _where(self, node: yaml.Node) -> tuple[int, int]:
        return self.alias_at or _place(node)

    def _scalar(self, node: yaml.ScalarNode) -> str:
        """The scalar's text, a UTF-16 surrogate pair joined into its character."""
        value: str = node.value
        if not self.surrogates or not _SURROGATE.search(value):
            return value
        joined = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if "\ufffd" in joined and "\ufffd" not in value:
            self._problem(
                "yaml-syntax",
                "a \\uD800-\\uDFFF escape without its other half (a UTF-16 surrogate "
                "pair is two escapes in a row, such as \\uD83D\\uDE80)",
                node,
                "write the character itself, or both escapes of its pair",
            )
        return joined

    def _problem(self, code: str, message: str, node: yaml.Node, hint: str | None = None) -> None:
        """A problem at ``node``'s line and column."""
        line, column = self._where(node)
        self.problems.append(Problem(code, message, self.file, line, column, hint=hint))

    def convert(self, node: yaml.Node) -> Any:
        if isinstance(node, _AliasNode):
            outer, self.alias_at = self.alias_at, self.alias_at or _place(node)
            try:
                return self.convert(node.target)
            finally:
                self.alias_at = outer
        self.budget -= 1
        if self.budget < 0:
            raise _TooBig(node)
        line, column = self._where(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:null":
                return None
            if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() in ("true", "false"):
                return node.value.lower() == "true"  # else (!!bool yes) text, not false
            return LocatedStr(self._scalar(node), line, column, self.file)
        if isinstance(node, yaml.SequenceNode):
            items = LocatedList(self.convert(child) for child in node.value)
            items.positions = [self._where(c) for c in node.value]
            return items
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            keys: dict[str, tuple[int, int]] = {}
            merged: list[yaml.Node] = []
            for key_node, value_node in node.value:
                named = key_node.target if isinstance(key_node, _AliasNode) else key_node
                if not isinstance(named, yaml.ScalarNode):
                    self._problem("wrong-type", "a mapping key must be a plain name", key_node)
                    continue
                key = str(self.convert(key_node))
                if key == "<<" and named.tag.endswith(":merge"):  # YAML merge key
                    merged.append(value_node)
                    continue
                if key == "at":
                    self._problem(
                        "reserved-key",
                        "the key 'at' is reserved for the position of the object",
                        key_node,
                        "rename or remove it",
                    )
                    continue
                if key in out:
                    self._problem(
                        "duplicate-key",
                        f"key '{key}' appears twice in the same mapping",
                        key_node,
                        "keep one of them",
                    )
                    continue
                keys[key] = self._where(key_node)
                value = self.convert(value_node)
                if isinstance(value, str) and not isinstance(value, LocatedStr):
                    value = LocatedStr(value, keys[key][0], 1, self.file)
                out[key] = value
            for source in merged:  # ``<<: *base``: its keys, where the mapping lacks them
                base = source.target if isinstance(source, _AliasNode) else source
                parts = base.value if isinstance(base, yaml.SequenceNode) else [source]
                for part in parts:
                    value = self.convert(part)
                    if not isinstance(value, dict):
                        continue
                    for k, v in value.items():
                        if k != "at" and k not in out:
                            out[k] = v
                            keys[k] = value["at"]["keys"].get(k, (line, column))
            out["at"] = {"file": self.file, "line": line, "column": column, "keys": keys}
            return out
        raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover


def load_yaml_text(
    text: str, file: str, budget: int = MAX_NODES
) -> tuple[list[Any], list[Problem]]:
    """Parse every YAML document in ``text``.

    Args:
        budget: the most values the documents may expand to (aliases count each time they
            are used), so an alias bomb ("billion laughs") is refused instead of expanded.

    Returns:
        (documents, problems): one converted value per document (mappings with ``at``,
        scalars as `LocatedStr`); problems hold syntax errors (code ``yaml-syntax``),
        duplicate keys, ``yaml-too-large`` (at the value where the budget ran out) and
        ``yaml-too-deep`` (at the deepest value, or where the reader gave up), each with
        its line and column. On any of the last three no document is returned.
    """
    fast = HAVE_LIBYAML and depth_bound(text) <= C_MAX_DEPTH and not _ALIAS.search(text)
    return _load(text, file, budget, fast)


def _load(text: str, file: str, budget: int, fast: bool) -> tuple[list[Any], list[Problem]]:
    """`load_yaml_text` with libyaml's composer (``fast``) or the pure-Python one."""
    problems: list[Problem] = []
    loader: Any = None
    docs: list[Any] = []
    node: yaml.Node | None = None
    try:
        loader = _CLoader(text) if fast else _Loader(text)  # the latter reads it all here
        converter = _Converter(file, problems, budget=budget, surrogates=not fast)
        while loader.check_node():
            node = None  # a RecursionError before the next line is the composer's
            node = loader.get_node()
            docs.append(converter.convert(node) if node is not None else None)
    except yaml.MarkedYAMLError as exc:
        if fast:
            # PyYAML's own wording ("expected <block end>, but found ...") is clearer than
            # libyaml's; errors are rare, so the text is read again to report it.
            slow, slow_problems = _load(text, file, budget, fast=False)
            if slow_problems or "Unicode character escape" in str(exc.problem):
                return slow, slow_problems  # libyaml refuses escaped surrogate pairs
        mark = yaml_syntax_mark(exc)
        problems.append(
            Problem(
                "yaml-syntax",
                yaml_syntax_message(exc, text),
                file,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
                hint=yaml_syntax_hint(exc, text),
            )
        )
        return [], problems
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        problems.append(_reader_problem(exc, text, file, in_bytes=fast))
        return [], problems
    except yaml.YAMLError as exc:
        problems.append(Problem("yaml-syntax", f"not valid YAML: {exc}", file))
        return [], problems
    except _TooBig as big:
        line, column = _place(big.node)
        problems.append(
            Problem(
                "yaml-too-large",
                f"the YAML expands to more than {budget:,} values by here (an alias bomb?)",
                file,
                line,
                column,
                hint="write the values out without anchors and aliases",
            )
        )
        return [], problems
    except RecursionError:
        # the conversion's recursion: at the deepest node; the composer's: where it stopped
        line, column = (
            _place(_deepest(node))
            if node is not None
            else (getattr(loader, "line", -1) + 1, getattr(loader, "column", -1) + 1)
        )
        message = "the YAML nests too deeply here (more levels than the reader can follow)"
        hint = "nest lists and mappings less deeply"
        problems.append(
            Problem("yaml-too-deep", message, file, line or None, column or None, hint=hint)
        )
        return [], problems
    finally:
        if loader is not None:
            loader.dispose()
    return docs, problems


def _reader_problem(exc: yaml.reader.ReaderError, text: str, file: str, in_bytes: bool) -> Problem:
    """The problem of a character YAML does not allow, at its line and column (libyaml
    counts its ``position`` in UTF-8 bytes, the pure-Python reader in characters)."""
    at = exc.position
    if in_bytes:
        at = len(text.encode("utf-8")[:at].decode("utf-8", "ignore"))
    line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    code = exc.character
    what = "a control character" if code < 0x20 or 0x7F <= code < 0xA0 else "not text"
    escape = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return Problem(
        "yaml-syntax",
        f"not valid YAML: the character U+{code:04X} is not allowed in YAML ({what})",
        file,
        line,
        column,
        hint=f'remove it, or write it as an escape in a double-quoted text ("{escape}")',
    )


def not_a_file(path: Path, pipes: bool = False) -> str | None:
    """Why ``path`` cannot be read as a file: it is (or links to) a device, a socket or,
    unless ``pipes``, a pipe. A pull request can add a symbolic link to ``/dev/zero``,
    which would be read until memory runs out. None for a file, a folder or a path that
    cannot be looked at (reading it then says what is wrong)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode) or (pipes and stat.S_ISFIFO(mode)):
        return None
    return "not a regular file (a device, pipe or socket, or a link to one)"


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file (a byte-order mark is dropped).

    Returns ``(None, [problem])`` when the file is missing, not a regular file
    (`not_a_file`), over `MAX_DATA_BYTES` (``too-large``), unreadable, not UTF-8 or has a
    NUL character; the problem names the
    byte offset's line for decoding errors, the line and column of the first NUL.
    """
    why = not_a_file(path)
    if why is not None:
        return None, [Problem("unreadable", why, display, hint="commit the file itself")]
    with contextlib.suppress(OSError):
        if (size := path.stat().st_size) > MAX_DATA_BYTES:
            return None, [
                Problem(
                    "too-large",
                    f"the file is {size / 2**20:.1f} MiB; a data file is at most "
                    f"{MAX_DATA_BYTES >> 20} MiB (its texts are copied into many pages)",
                    display,
                    hint="shorten its texts or split it",
                )
            ]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem("missing-file", "file not found", display)]
    except OSError as exc:
        return None, [Problem("unreadable", f"cannot read the file: {exc.strerror}", display)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                "encoding",
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                display,
                line,
                hint="save the file as UTF-8",
            )
        ]
    if (nul := text.find("\x00")) >= 0:  # the CSV reader would keep it in a cell
        line = text.count("\n", 0, nul) + 1
        column = nul - text.rfind("\n", 0, nul)
        return None, [
            Problem(
                "encoding",
                "a NUL character (byte 0x00) in the text",
                display,
                line,
                column,
                hint="remove it: text files have no NUL characters, binary and UTF-16 files do",
            )
        ]
    return text, []


def load_yaml_file(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Load a single-document YAML file; see `load_yaml_text` for the value's shape."""
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    docs, problems = load_yaml_text(text, display)
    if problems:
        return None, problems
    if len(docs) > 1:
        message = "expected one YAML document, found several: another starts here"
        hint = "remove this '---' line, or the document that follows it"
        line = _second_document(text)
        return None, [Problem("yaml-syntax", message, display, line, hint=hint)]
    return (docs[0] if docs else None), []


def _second_document(text: str) -> int:
    """The line of the ``---`` that starts the second document of ``text`` (the first's own
    ``---``, after comments and directives, does not count); 1 when none is found."""
    text = text.replace("\r\n", "\n")
    markers = [m.start() for m in re.finditer(r"^---(?=[ \t]|$)", text, re.M)]
    first = re.search(r"^(?![ \t]*(?:#.*)?$)(?!%)", text, re.M)
    if first is not None and markers and markers[0] == first.start():
        markers = markers[1:]
    return text.count("\n", 0, markers[0]) + 1 if markers else 1
