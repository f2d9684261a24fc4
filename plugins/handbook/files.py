"""Writing files and folders whole or not at all: a reader (a person, CI, a second run)
sees the old file or the new one, never a part. Every command that writes goes through here.

- `write_bytes_atomic` / `write_text_atomic` and `AtomicOutput` (a report written bit by
  bit, ``--output FILE``): the bytes go to a temporary file beside the target, are fsynced,
  and `os.replace` puts it in place. A rewritten file keeps its permission bits; a new one
  gets ``0o666`` less the umask. A symlink is written through; missing folders are made.
- `replace_folder`: an empty sibling folder to fill, swapped in for the target when the
  block ends (old one renamed aside, new one in, old one removed).

On an exception (`KeyboardInterrupt` included) the temporary is removed and the target is
left as it was. A run killed where Python cannot act (SIGKILL, a power cut) leaves
``.<name>.handbook-tmp-<pid>-<8 hex digits>`` (``handbook-old-`` for a folder renamed aside);
`remove_leftovers`, called on the target's folder before every write, removes those whose
process is gone on this machine (`os.kill` with signal 0; on Windows others' are kept) and
puts back an old folder whose swap stopped half-way. A device or pipe (``/dev/stdout``, a
FIFO) is written directly. Errors are `OSError` with ``filename`` the path the caller gave.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import TextIO

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.handbook-(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]{8}$")

#: Names of the temporaries this process is filling now. `remove_leftovers` keeps these and
#: removes other names carrying this process's id: those are a killed run's whose process
#: id was given again to us, as happens in containers, where a command often runs as pid 1.
_ACTIVE: set[str] = set()


def _sibling(target: Path, kind: str) -> Path:
    token = secrets.token_hex(4)
    return target.with_name(f".{target.name}.handbook-{kind}-{os.getpid()}-{token}")


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (ours counts as gone; see `_ACTIVE`)."""
    if pid == os.getpid():
        return False
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def remove_leftovers(folder: Path | str) -> list[Path]:
    """Clean up after runs killed while writing in ``folder`` (see the module doc); a
    leftover that cannot be removed stays. Returns the leftovers removed or put back."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    done: list[Path] = []
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if match is None or entry.name in _ACTIVE or _alive(int(match["pid"])):
            continue
        path = Path(entry.path)
        target = path.with_name(match["name"])
        try:
            if match["kind"] == "old" and not os.path.lexists(target):
                os.rename(path, target)
            elif entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except OSError:
            continue
        done.append(path)
    return done


@contextmanager
def _named(given: Path) -> Iterator[None]:
    """An `OSError` of the block raised again with ``filename`` the path the caller gave."""
    try:
        yield
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(given)) from None


def _is_special(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a folder (device, pipe)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _real(path: Path) -> Path:
    """``path`` made absolute with symlinks resolved (a symlinked file is written through)."""
    return Path(os.path.realpath(path))


def _mode_of(target: Path, given: Path) -> int | None:
    """The permission bits of an existing file ``target``; None when there is none."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(given))
    return stat.S_IMODE(st.st_mode)


def _make_parent(target: Path, given: Path) -> None:
    """Create ``target``'s missing folders (``--output reports/check.json`` in a fresh clone).

    Raises:
        NotADirectoryError: ``given``'s folder is a file (``filename`` is that folder).
        OSError: a folder cannot be created (``filename`` is ``given``).
    """
    try:
        with _named(given):
            target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(
            errno.ENOTDIR, "is a file, not a folder", str(given.parent)
        ) from None


def _create_temp(target: Path, given: Path) -> tuple[Path, int]:
    """A new temporary file beside ``target`` (registered in `_ACTIVE`) and its descriptor;
    missing folders on the way are created."""
    _make_parent(target, given)
    mode = _mode_of(target, given)
    remove_leftovers(target.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = _sibling(target, "tmp")
        try:
            with _named(given):
                fd = os.open(tmp, flags, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits met another run's
            continue
        break
    _ACTIVE.add(tmp.name)
    if mode is not None:
        try:
            os.chmod(tmp, mode)
        except BaseException:
            os.close(fd)
            _discard(tmp)
            raise
    return tmp, fd


def _discard(tmp: Path) -> None:
    """Remove a temporary file if it is still there (it is not after a commit)."""
    with suppress(FileNotFoundError):
        os.unlink(tmp)
    _ACTIVE.discard(tmp.name)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def _commit(tmp: Path, target: Path, given: Path, durable: bool = True) -> None:
    with _named(given):
        os.replace(tmp, target)
    if durable:
        _fsync_folder(target.parent)


def write_bytes_atomic(path: Path | str, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` whole or not at all. ``durable=False`` skips the fsyncs (a
    power cut may lose the write), for files a later run regenerates (`handbook.build.prebuild`).

    Raises:
        OSError: a folder cannot be made or written, the disk is full, ``path`` is a folder;
            ``filename`` is ``path`` and the previous file is unchanged.
    """
    given = Path(path)
    if _is_special(given):
        with _named(given):  # /dev/full: name the path, as for a file
            given.write_bytes(data)
        return
    target = _real(given)
    tmp, fd = _create_temp(target, given)
    try:
        with _named(given), open(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        _commit(tmp, target, given, durable)
    finally:
        _discard(tmp)


def write_text_atomic(path: Path | str, text: str) -> None:
    """`write_bytes_atomic` of ``text`` in UTF-8 (no newline translation)."""
    write_bytes_atomic(path, text.encode("utf-8"))


#: Error numbers of a write that failed for want of room; an `OSError` with one of these and
#: no file name, raised in an `AtomicOutput` block, came from its stream.
_WRITE_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO}


class AtomicOutput:
    """``with AtomicOutput("out.json") as out:`` a text stream (UTF-8, ``\\n`` line ends)
    on a temporary file that replaces ``out.json`` when the block ends without an exception.

    Raises:
        OSError: on entering (a folder cannot be created or written, ``path`` is a folder)
            or on leaving (the disk is full), with ``filename`` set to ``path``; a write in
            the block that fails for want of room (``ENOSPC``, ``EFBIG``, ``EDQUOT``,
            ``EIO``) gets ``filename`` set too.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._stream: TextIO | None = None
        self._tmp: Path | None = None
        self._target = self.path

    def __enter__(self) -> TextIO:
        if _is_special(self.path):
            self._stream = open(self.path, "w", encoding="utf-8", newline="\n")
            return self._stream
        self._target = _real(self.path)
        self._tmp, fd = _create_temp(self._target, self.path)
        try:
            self._stream = open(fd, "w", encoding="utf-8", newline="\n")
        except BaseException:
            os.close(fd)
            _discard(self._tmp)
            raise
        return self._stream

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stream, tmp = self._stream, self._tmp
        self._stream = self._tmp = None
        if isinstance(exc, OSError) and exc.filename is None and exc.errno in _WRITE_ERRORS:
            exc.filename = str(self.path)  # a write in the block failed: name the file
        if stream is None:
            return
        if tmp is None:
            stream.close()
            return
        try:
            if exc_type is None:
                with _named(self.path):
                    stream.flush()
                    os.fsync(stream.fileno())
                    stream.close()
                _commit(tmp, self._target, self.path)
        finally:
            with suppress(OSError):
                stream.close()  # after a failure: the buffered rest is dropped
            _discard(tmp)


def _fsync_tree(folder: Path) -> None:
    """fsync every file and folder under ``folder``, so the swap publishes written data."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue  # a symlink or a pipe holds no data of ours
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_folder(Path(root))


#: A folder holding one of these at its top is a project, not an output folder.
PROJECT_FILES = (".git", "mkdocs.yml", "pyproject.toml", "setup.py", "package.json")


def _sources(target: Path) -> str | None:
    """What makes ``target`` a folder of sources rather than an output folder: a project
    file at its top, a Python file in it (``plugins/``, ``tests/``), or being the
    hand-written pages of the MkDocs project above it (``docs/``, or its ``docs_dir``).
    None for a missing or an output-like folder."""
    if not target.is_dir():
        return None
    for name in PROJECT_FILES:
        if (target / name).exists():
            return f"a project ({name})"
    code = next(target.rglob("*.py"), None)
    if code is not None:
        return f"source code ({code.relative_to(target)})"
    config = target.parent / "mkdocs.yml"
    if config.is_file():
        from handbook.project import mkdocs_config  # reads the mkdocs.yml beside target

        docs = str(mkdocs_config(target).get("docs_dir") or "docs").rstrip("/")
        if target.name == docs:
            return f"the hand-written pages of {config}"
    return None


def _refuse(target: Path, given: Path) -> None:
    """Refuse to swap away a folder that holds the working or home directory (``--out .``)
    or sources (`_sources`: ``--out docs`` emptied the hand-written pages)."""
    home = os.path.expanduser("~")  # stays "~" when there is no home: nothing to guard
    for what, inside in (("working", os.getcwd()), ("home", home)):
        if _real(Path(inside)).is_relative_to(target):
            raise OSError(
                errno.EINVAL,
                f"refusing to replace a folder that contains the {what} directory; "
                "choose a folder that only this command writes",
                str(given),
            )
    held = _sources(target)
    if held is not None:
        raise OSError(
            errno.EINVAL,
            f"refusing to replace a folder that holds {held}; choose a folder that only this "
            "command writes",
            str(given),
        )


@contextmanager
def replace_folder(path: Path | str) -> Iterator[Path]:
    """``with replace_folder("pages") as folder:`` an empty folder beside ``pages`` to fill;
    when the block ends without an exception its files are fsynced, it gets the old folder's
    mode and replaces ``pages`` (files whose data was deleted do not linger). Otherwise the
    old folder is left whole, or absent. Of two runs at once the last to swap wins.

    Raises:
        OSError: ``path`` is a file (`NotADirectoryError`), contains the working or home
            directory or holds sources (``EINVAL``, `_refuse`), or cannot be written;
            ``filename`` is ``path``.
    """
    given = Path(path)
    target = _real(given)
    _refuse(target, given)
    if os.path.lexists(target) and not target.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(given))
    _make_parent(target, given)
    remove_leftovers(target.parent)
    tmp = _sibling(target, "tmp")
    aside = _sibling(target, "old")
    _ACTIVE.update((tmp.name, aside.name))
    moved = False
    try:
        with _named(given):  # the folder asked for, not the temporary one
            os.mkdir(tmp)
        yield tmp
        _fsync_tree(tmp)
        with suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        try:
            os.rename(target, aside)
            moved = True
        except FileNotFoundError:
            pass  # no old folder (or another run has just moved it aside)
        os.rename(tmp, target)
        _fsync_folder(target.parent)
    except BaseException:
        if moved and not os.path.lexists(target):
            os.rename(aside, target)  # stopped mid-swap: put the old folder back
            moved = False
        raise
    finally:
        _ACTIVE.difference_update((tmp.name, aside.name))
        shutil.rmtree(tmp, ignore_errors=True)
        if moved:
            shutil.rmtree(aside, ignore_errors=True)


def error(prog: str, message: str) -> int:
    """Exit code 2, after ``<prog>: error: <message>`` on standard error."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    return 2


def cannot_write(prog: str, exc: OSError, where: Path | str) -> int:
    """`error` ``cannot write <file>: <reason>``: the file ``exc`` names, else ``where``."""
    return error(prog, f"cannot write {exc.filename or where}: {exc.strerror or exc}")


def append_step_summary(prog: str, text: str) -> None:
    """Append ``text`` to the file ``$GITHUB_STEP_SUMMARY`` names, when it is set (GitHub
    Actions); one that cannot be written is a warning of ``prog`` on standard error."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    try:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        print(
            f"{prog}: warning: cannot append to GITHUB_STEP_SUMMARY {summary}: {exc.strerror}",
            file=sys.stderr,
        )
