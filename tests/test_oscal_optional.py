"""``handbook export oscal`` without compliance-trestle (the ``oscal`` extra): one line
saying how to install it, exit 2, nothing written. Runs whether trestle is installed or
not: the subprocess hides it (``sys.modules['trestle'] = None`` makes its import fail)."""

from __future__ import annotations

import sys
from pathlib import Path

from .conftest import DATA, run


def test_cli_without_trestle_says_how_to_install(tmp_path: Path) -> None:
    out = tmp_path / "o"
    argv = ["export", "oscal", "--data", str(DATA), "--out", str(out)]
    code = (
        "import sys; sys.modules['trestle'] = None\n"
        "from handbook.cli import main\n"
        f"sys.exit(main({argv!r}))"
    )
    result = run([sys.executable, "-c", code])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handbook export oscal: error: compliance-trestle is not installed")
    assert "pip install 'mmd-handbook[oscal]'" in lines[0]
    assert not out.exists()
