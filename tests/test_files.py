"""Files written whole or not at all (`handbook.files`), tried with real processes and signals."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from handbook.files import (
    AtomicOutput,
    remove_leftovers,
    replace_folder,
    write_bytes_atomic,
    write_text_atomic,
)

from .conftest import BIN, DATA, ROOT, copy_project, run

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and modes are POSIX")

#: A child that writes ``lines`` lines through AtomicOutput, says "half" on stdout when half
#: are written (and flushed to the temporary file), then waits for a line on stdin before
#: writing the rest. The parent kills it, interrupts it, or lets it finish.
WRITER = textwrap.dedent(
    """
    import sys
    from handbook.files import AtomicOutput
    path, lines, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with AtomicOutput(path) as out:
        for i in range(lines):
            out.write(f"{label} {i:08d} " + "x" * 90 + "\\n")
            if i == lines // 2:
                out.flush()
                print("half", flush=True)
                sys.stdin.readline()
    """
)

#: Lines of the big report: about 10 MB.
LINES = 100_000


def _report(label: str, lines: int = LINES) -> bytes:
    return "".join(f"{label} {i:08d} " + "x" * 90 + "\n" for i in range(lines)).encode()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "PYTHONDONTWRITEBYTECODE": "1"}


def _writer(path: Path, label: str, lines: int = LINES) -> subprocess.Popen[str]:
    """Start the writer child and wait until it has written half its report."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(lines), label],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "half\n", child.stderr and child.stderr.read()
    return child


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".handbook-" in p.name)


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    probe = subprocess.Popen([sys.executable, "-c", "pass"])
    probe.wait()
    return probe.pid


# --- single files ------------------------------------------------------------------------


def test_write_new_and_rewritten_files(tmp_path: Path) -> None:
    target = tmp_path / "data.yaml"
    write_text_atomic(target, "a: 1\r\nb: 2\n")
    assert target.read_bytes() == b"a: 1\r\nb: 2\n"  # written as given
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    target.chmod(0o640)
    write_bytes_atomic(target, b"c: 3\n")
    assert target.read_bytes() == b"c: 3\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640, "a rewritten file keeps its mode"
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    write_text_atomic(link, "d: 4\n")
    assert link.is_symlink() and target.read_text() == "d: 4\n"
    assert _leftovers(tmp_path) == []


def test_errors_name_the_file_and_leave_nothing(tmp_path: Path) -> None:
    write_text_atomic(tmp_path / "new" / "folders" / "made.json", "{}")  # folders are made
    assert (tmp_path / "new" / "folders" / "made.json").read_text(encoding="utf-8") == "{}"
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError) as taken:
        write_text_atomic(tmp_path / "file" / "such.json", "{}")
    assert taken.value.filename == str(tmp_path / "file")
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError) as folder:
        write_text_atomic(tmp_path / "folder", "{}")
    assert folder.value.filename == str(tmp_path / "folder")
    assert _leftovers(tmp_path) == []


def test_devices_are_written_directly(tmp_path: Path) -> None:
    with AtomicOutput("/dev/null") as out:
        out.write("nothing\n")
    write_text_atomic("/dev/null", "nothing\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    with AtomicOutput(fifo) as out:
        out.write("through the pipe\n")
    assert reader.communicate(timeout=30)[0] == b"through the pipe\n"
    assert _leftovers(tmp_path) == []


def test_an_exception_keeps_the_previous_report(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b'{"old": true}\n')

    class Stop(Exception):
        pass

    with pytest.raises(Stop), AtomicOutput(target) as out:
        out.write("{" * 100_000)
        raise Stop
    assert target.read_bytes() == b'{"old": true}\n'
    with pytest.raises(KeyboardInterrupt), AtomicOutput(tmp_path / "new.json") as out:
        out.write("{")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_sigkill_half_way_leaves_the_previous_report_byte_for_byte(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    previous = _report("previous", 1_000)
    target.write_bytes(previous)
    child = _writer(target, "new")
    [leftover] = _leftovers(tmp_path)
    assert leftover.startswith(f".out.json.handbook-tmp-{child.pid}-")
    assert (tmp_path / leftover).stat().st_size > 1_000_000, "killed half-way, not at the start"
    child.kill()
    child.wait()
    assert target.read_bytes() == previous
    # the next run writing in that folder recognises the leftover by its name and removes it
    write_text_atomic(tmp_path / "other.txt", "next run\n")
    assert _leftovers(tmp_path) == []
    assert target.read_bytes() == previous


def test_sigint_half_way_leaves_nothing_where_nothing_was(tmp_path: Path) -> None:
    child = _writer(tmp_path / "out.json", "new")
    assert _leftovers(tmp_path) != []
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGINT, err  # Python's exit on KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_finished_run_replaces_the_report(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"previous\n")
    child = _writer(target, "new", 1_000)
    _, err = child.communicate("\n", timeout=60)
    assert child.returncode == 0, err
    assert target.read_bytes() == _report("new", 1_000)
    assert _leftovers(tmp_path) == []


def test_two_runs_writing_the_same_report_end_with_one_whole_report(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    first = _writer(target, "first")
    second = _writer(target, "second")  # both have half their report on disk now
    assert len(_leftovers(tmp_path)) == 2, "the second run kept the first run's file"
    for child in (first, second):  # let both finish at once
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.close()
    assert first.wait(timeout=60) == 0 and second.wait(timeout=60) == 0
    assert target.read_bytes() in (_report("first"), _report("second"))
    assert _leftovers(tmp_path) == []


# --- leftovers ---------------------------------------------------------------------------


def test_leftovers_of_gone_processes_are_removed_and_others_kept(tmp_path: Path) -> None:
    dead = _dead_pid()
    (tmp_path / f".out.json.handbook-tmp-{dead}-0123abcd").write_text("part")
    (tmp_path / f".pages.handbook-tmp-{dead}-0123abcd").mkdir()
    (tmp_path / f".pages.handbook-tmp-{dead}-0123abcd" / "a.md").write_text("part")
    # our own id on a name we are not writing: a killed run whose id we were given again
    (tmp_path / f".out.json.handbook-tmp-{os.getpid()}-0123abcd").write_text("part")
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f".out.json.handbook-tmp-{alive.pid}-0123abcd").write_text("writing")
        (tmp_path / ".out.json.handbook-tmp-notapid").write_text("not ours")
        removed = remove_leftovers(tmp_path)
        assert len(removed) == 3
        assert _leftovers(tmp_path) == [
            f".out.json.handbook-tmp-{alive.pid}-0123abcd",
            ".out.json.handbook-tmp-notapid",
        ]
    finally:
        alive.kill()
        alive.wait()


def test_a_swap_killed_before_the_new_folder_was_in_puts_the_old_one_back(
    tmp_path: Path,
) -> None:
    dead = _dead_pid()
    aside = tmp_path / f".pages.handbook-old-{dead}-0123abcd"
    aside.mkdir()
    (aside / "index.md").write_text("old page")
    new = tmp_path / f".pages.handbook-tmp-{dead}-4567cdef"
    new.mkdir()
    assert sorted(remove_leftovers(tmp_path)) == sorted([aside, new])
    assert (tmp_path / "pages" / "index.md").read_text() == "old page"
    assert _leftovers(tmp_path) == []


# --- folders -----------------------------------------------------------------------------


def test_replace_folder_swaps_whole_folders(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    with replace_folder(out) as folder:
        (folder / "a.md").write_text("a")
        (folder / "sub").mkdir()
        (folder / "sub" / "b.md").write_text("b")
        (folder / "sub" / "dangling").symlink_to(folder / "nowhere")
        os.mkfifo(folder / "sub" / "pipe")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "a.md",
        "sub",
        "sub/b.md",
        "sub/dangling",
        "sub/pipe",
    ]
    out.chmod(0o750)
    with pytest.raises(ValueError), replace_folder(out) as folder:
        (folder / "c.md").write_text("c")
        raise ValueError
    assert sorted(p.name for p in out.iterdir()) == ["a.md", "sub"], "old folder whole"
    with replace_folder(out) as folder:
        (folder / "c.md").write_text("c")
    assert [p.name for p in out.iterdir()] == ["c.md"], "a page no longer written is gone"
    assert stat.S_IMODE(out.stat().st_mode) == 0o750, "the folder keeps its mode"
    assert _leftovers(tmp_path) == []


def test_replace_folder_refuses_what_it_must_not_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError), replace_folder(tmp_path / "file"):
        pass
    monkeypatch.chdir(tmp_path / "..")
    with pytest.raises(OSError, match="working directory") as caught, replace_folder("."):
        pass
    assert caught.value.filename == "."
    assert (tmp_path / "file").read_text() == "x"


# --- handbook pages --out DIR ------------------------------------------------------------

#: The real `handbook pages` in a child whose page writes pause after ``n`` pages: it says
#: "half" and waits on stdin, so the parent can kill it there.
PAGES = textwrap.dedent(
    """
    import pathlib, sys
    from handbook import cli
    n, write, count = int(sys.argv[1]), pathlib.Path.write_text, [0]
    def pausing(self, *args, **kwargs):
        count[0] += 1
        if count[0] == n:
            print("half", flush=True)
            sys.stdin.readline()
        return write(self, *args, **kwargs)
    pathlib.Path.write_text = pausing
    sys.exit(cli.main(sys.argv[2:]))
    """
)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.md")}


def test_pages_killed_half_way_leave_the_old_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    first = run([str(BIN / "handbook"), "pages", "--data", str(DATA), "--out", str(out)])
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    assert len(before) > 40
    child = subprocess.Popen(
        [sys.executable, "-c", PAGES, "30", "pages", "--data", str(DATA), "--out", str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "half\n", child.stderr and child.stderr.read()
    [partial] = _leftovers(tmp_path)
    assert len(list((tmp_path / partial).rglob("*.md"))) == 29
    child.kill()
    child.wait()
    assert _snapshot(out) == before
    again = run([str(BIN / "handbook"), "pages", "--data", str(DATA), "--out", str(out)])
    assert again.returncode == 0, again.stderr
    assert _snapshot(out) == before
    assert _leftovers(tmp_path) == [], "the next run removed the killed run's folder"


def test_pages_of_deleted_data_are_removed(tmp_path: Path, data_copy: Path) -> None:
    out = tmp_path / "pages"
    sops = data_copy / "sop-categories.yaml"
    original = sops.read_text(encoding="utf-8")
    sops.write_text(
        original
        + textwrap.dedent(
            """
            - id: printers
              edition: "2022"
              name: Printers
              microsoft:
                - Keep the printers printing.
              customer:
                - Report a printer that does not print.
              source: {doc: "001", section: Standard operating procedures}
            """
        ),
        encoding="utf-8",
    )
    pages = [str(BIN / "handbook"), "pages", "--data", str(data_copy), "--out", str(out)]
    with_printers = run(pages)
    assert with_printers.returncode == 0, with_printers.stderr
    before = set(_snapshot(out))
    sops.write_text(original, encoding="utf-8")
    without = run(pages)
    assert without.returncode == 0, without.stderr
    gone = before - set(_snapshot(out))
    assert gone and all("printers" in page for page in gone), gone
    assert _leftovers(tmp_path) == []


def test_pages_refuses_a_folder_holding_the_data(tmp_path: Path, data_copy: Path) -> None:
    result = run([str(BIN / "handbook"), "pages", "--data", str(data_copy), "--out", str(tmp_path)])
    assert result.returncode == 2
    assert "contains the data folder" in result.stderr and "Traceback" not in result.stderr
    assert (data_copy / "rules.yaml").is_file()


def test_output_commands_refuse_a_folder_of_sources(tmp_path: Path) -> None:
    """``pages``, ``export oscal`` and ``import`` once emptied ``docs/`` or ``plugins/``
    with exit 0: a folder of hand-written pages, code or a project is refused."""
    project = copy_project(tmp_path / "project")
    (project / "plugins").mkdir()
    (project / "plugins" / "mine.py").write_text("x = 1\n", encoding="utf-8")
    before = sorted(p.name for p in (project / "docs").iterdir())
    data = str(project / "data")
    for out, why in (
        ("docs", "hand-written pages"),
        ("plugins", "source code (mine.py)"),
        (".", "contains the data folder"),
    ):
        for command in (["pages"], ["export", "oscal"]):
            args = [str(BIN / "handbook"), *command, "--data", data, "--out", out]
            result = run(args, cwd=project)
            assert result.returncode == 2, (out, command, result.stdout)
            assert "Traceback" not in result.stderr and why in result.stderr
    assert sorted(p.name for p in (project / "docs").iterdir()) == before
    assert (project / "plugins" / "mine.py").is_file()


def test_an_interrupt_between_the_two_renames_puts_the_old_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "pages"
    out.mkdir()
    (out / "old.md").write_text("old")
    rename = os.rename

    def interrupted(src: str | Path, dst: str | Path) -> None:
        if ".handbook-tmp-" in Path(src).name:  # the new folder's rename: stop before it
            raise KeyboardInterrupt
        rename(src, dst)

    monkeypatch.setattr(os, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt), replace_folder(out) as folder:
        (folder / "new.md").write_text("new")
    assert [p.name for p in out.iterdir()] == ["old.md"]
    assert _leftovers(tmp_path) == []


#: A child whose files may not grow past 1 MB (as on a full disk: writes fail with EFBIG);
#: it writes a 5 MB report and prints how the error reads.
FULL = textwrap.dedent(
    """
    import resource, signal, sys
    from handbook.files import AtomicOutput, write_text_atomic
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))
    try:
        write_text_atomic(sys.argv[1], "x" * 5_000_000)
    except OSError as exc:
        print(f"{exc.filename}: {exc.strerror}")
    try:
        with AtomicOutput(sys.argv[1]) as out:
            for _ in range(50):
                out.write("y" * 100_000)
    except OSError as exc:
        print(f"{exc.filename}: {exc.strerror}")
    """
)


def test_a_full_disk_leaves_the_previous_file_and_names_it(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"previous\n")
    result = subprocess.run(
        [sys.executable, "-c", FULL, str(target)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{target}: File too large"] * 2
    assert target.read_bytes() == b"previous\n"
    assert _leftovers(tmp_path) == []


def test_pages_that_cannot_be_written_fail_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "pages"
    result = run([str(BIN / "handbook"), "pages", "--data", str(DATA), "--out", str(out)])
    assert result.returncode == 2
    assert result.stderr == (
        f"handbook pages: error: cannot write {tmp_path / 'file'}: is a file, not a folder\n"
    )
