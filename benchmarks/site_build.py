"""Site build benchmark: the handbook against plain Markdown, scaling, and page weight.

    .venv/bin/python benchmarks/site_build.py [--repeat 3] [--scales 10 100]

Prints:

1. the build time (``mkdocs build --strict``, a subprocess, best of ``--repeat``) of the
   handbook, and of a plain-Markdown site built in the same run with the same pages and
   content: the handbook's generated pages written to disk as ``.md`` files beside
   ``docs/``, the same ``mkdocs.yml`` (theme, extensions, other plugins, nav) without the
   handbook plugin. The ratio is the cost of generating the site from data (budget <= 1.3).
   Then the handbook's first build after installing or editing its templates (an empty
   template cache, ``HANDBOOK_TEMPLATE_CACHE``), and where the handbook's time goes: its
   steps in the build's process, the child process that runs the checker, and how long a
   real build waited for that child (``mkdocs build -v``);
2. build times with the data scaled 10x and 100x (synthetic SOP categories with their
   statements, copies of each category under new ids, in both editions), with the time per
   page, which must not grow with the scale (no worse than linear);
3. the bytes of JavaScript and CSS a page with an interactive table and a page without one
   load (raw and gzip), from the built site: the stylesheets and scripts the HTML names plus
   the modules our table script imports.

Figures go to benchmarks/SITE_BUILD.md by hand; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from handbook.model.loader import load_handbook
from handbook.site.generator import TEMPLATE_CACHE_ENV, SiteOptions, docs_prose_pages, generate_site

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    """The builds' environment. Python writes bytecode as it does by default (a
    pip-installed plugin ships ``.pyc`` files; an editable install writes them on first
    import), so the best-of runs do not compile the package's sources each time."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_build(config: Path, site_dir: Path) -> float:
    """Seconds of one ``mkdocs build --strict`` of ``config`` into ``site_dir``."""
    env = _env()
    shutil.rmtree(site_dir, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "-q", "-f", str(config), "-d", str(site_dir)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{result.stderr}")
    return elapsed


def best_of(repeat: int, config: Path, site_dir: Path) -> tuple[float, list[float]]:
    times = [run_build(config, site_dir) for _ in range(repeat)]
    return min(times), times


class TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even with ``!!python/name:`` tags (kept as tagged strings)."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return {"__tag__": suffix, "value": loader.construct_scalar(node)}  # type: ignore[arg-type]


TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
TolerantLoader.add_multi_constructor("!", _tagged)


def copy_project(dest: Path, data: Path = ROOT / "data") -> Path:
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(data, dest / "data")
    return dest


def plain_project(project: Path, dest: Path) -> Path:
    """A plain-Markdown copy of ``project``: its generated pages as files, no handbook plugin.

    The child ``mkdocs.yml`` inherits the project's (``INHERIT``) and replaces ``plugins``
    (the same list without ``handbook``) and ``nav`` (the handbook's nav).
    """
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), TolerantLoader)
    handbook, problems = load_handbook(project / "data")
    if handbook is None:
        raise SystemExit("data/ does not load:\n" + "\n".join(map(str, problems)))
    site = generate_site(
        handbook,
        SiteOptions(
            site_url=config.get("site_url"),
            prose_pages=docs_prose_pages(project / "docs"),
        ),
    )
    docs = dest / "docs"
    shutil.copytree(project / "docs", docs)
    for page in site.pages:
        target = docs / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    for uri, content in site.files.items():
        target = docs / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    plugins = [
        p
        for p in config.get("plugins", [])
        if not (p == "handbook" or (isinstance(p, dict) and "handbook" in p))
    ]
    child = {
        "INHERIT": str(project / "mkdocs.yml"),
        "docs_dir": str(docs),
        "plugins": plugins,
        "nav": site.nav,
    }
    path = dest / "mkdocs.yml"
    path.write_text(yaml.safe_dump(child, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def scaled_data(dest: Path, factor: int) -> Path:
    """A copy of data/ with ``factor`` times the SOP categories (and their statements)."""
    shutil.copytree(ROOT / "data", dest)
    path = dest / "sop-categories.yaml"
    categories = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = list(categories)
    for n in range(2, factor + 1):
        for cat in categories:
            copy = dict(cat)
            copy["id"] = f"{cat['id']}-s{n}"
            copy["name"] = f"{cat['name']} (synthetic {n})"
            out.append(copy)
    path.write_text(yaml.safe_dump(out, sort_keys=False, allow_unicode=True), "utf-8")
    return dest


def breakdown(project: Path) -> list[tuple[str, float]]:
    """Where the handbook's extra time goes (seconds): the MkDocs process's steps in a
    fresh interpreter, the child process that computes the checker's part on its own, and
    how long one real build waited for that child (``mkdocs build -v``'s debug line)."""
    code = f"""
import time
import mkdocs.commands.build, mkdocs.plugins, mkdocs.config.defaults  # a build has these
t0 = time.perf_counter()
import handbook.plugin
t1 = time.perf_counter()
from handbook.model.loader import load_handbook
from handbook.site.generator import generate_site
t2 = time.perf_counter()
hb, _ = load_handbook({str(project / "data")!r})
t3 = time.perf_counter()
generate_site(hb, results=None)
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""
    env = _env()
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    plugin, imports, load, pages = map(float, result.stdout.split())
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "handbook.site.results", str(project / "data")],
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    child = time.perf_counter() - start
    build = subprocess.run(
        [
            str(BIN / "mkdocs"),
            "build",
            "-v",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(project / "site-verbose"),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    waited = [float(s) for s in re.findall(r"handbook: waited ([0-9.]+) s", build.stderr)]
    return [
        ("import the plugin (standard library only)", plugin),
        ("import the generator (pydantic, Jinja2...)", imports),
        ("load and validate data/", load),
        ("generate pages (Jinja2)", pages),
        ("child process, alone: checker + downloads", child),
        ("  of which the build waited for", sum(waited) if waited else float("nan")),
    ]


def pages_of(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if p.name != "404.html"]


# --- page weight -----------------------------------------------------------------------------

_ASSET = re.compile(
    r"<(?:script\b[^>]*\bsrc|link\b[^>]*\brel=\"?stylesheet\"?[^>]*\bhref)=\"?([^\" >]+)"
)
_IMPORT = re.compile(r"^import\b[^\"']*[\"']([^\"']+)[\"']", re.M)


def page_assets(site: Path, page: Path) -> list[Path]:
    """Local scripts and stylesheets a page loads, with the modules they import."""
    base = "http://site/" + page.relative_to(site).as_posix()
    out: list[Path] = []
    todo = [urljoin(base, m) for m in _ASSET.findall(page.read_text(encoding="utf-8"))]
    while todo:
        url = todo.pop(0)
        parts = urlsplit(url)
        if parts.netloc != "site":
            continue
        path = site / parts.path.lstrip("/")
        if path in out or not path.is_file():
            continue
        out.append(path)
        if path.suffix == ".js" and "handbook" in path.parts:
            todo += [urljoin(url, m) for m in _IMPORT.findall(path.read_text(encoding="utf-8"))]
    return out


def weight(files: list[Path], suffix: str) -> tuple[int, int]:
    chosen = [f for f in files if f.suffix == suffix]
    raw = sum(f.stat().st_size for f in chosen)
    zipped = sum(len(gzip.compress(f.read_bytes(), 9, mtime=0)) for f in chosen)
    return raw, zipped


def kib(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds per figure (best taken)")
    parser.add_argument("--scales", type=int, nargs="*", default=[10, 100])
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="site-build-") as tmp_name:
        tmp = Path(tmp_name)
        project = copy_project(tmp / "handbook")
        plain = plain_project(project, tmp / "plain")
        # warm-up (imports, file cache), not counted
        run_build(project / "mkdocs.yml", tmp / "site-handbook")
        hb_time, hb_all = best_of(args.repeat, project / "mkdocs.yml", tmp / "site-handbook")
        plain_time, plain_all = best_of(args.repeat, plain, tmp / "site-plain")
        hb_pages = len(pages_of(tmp / "site-handbook"))
        plain_pages = len(pages_of(tmp / "site-plain"))
        print(
            f"== Handbook against plain Markdown (mkdocs build --strict, best of {args.repeat}) =="
        )
        print(f"handbook        {hb_time:6.2f} s  {hb_pages:5d} pages  runs {_fmt(hb_all)}")
        print(
            f"plain Markdown  {plain_time:6.2f} s  {plain_pages:5d} pages  runs {_fmt(plain_all)}"
        )
        print(f"ratio           {hb_time / plain_time:6.2f}   (budget <= 1.3)")
        # the first build after installing or editing the templates compiles them (Jinja's
        # bytecode cache, like Python's .pyc files); measured with an empty cache folder
        cold: list[float] = []
        for n in range(args.repeat):
            os.environ[TEMPLATE_CACHE_ENV] = str(tmp / f"template-cache-{n}")
            cold.append(run_build(project / "mkdocs.yml", tmp / "site-handbook"))
        del os.environ[TEMPLATE_CACHE_ENV]
        print(
            f"handbook, templates not yet compiled {min(cold):6.2f} s  runs {_fmt(cold)}  "
            f"ratio {min(cold) / plain_time:.2f}"
        )
        print("where the handbook's extra time goes (one run, fresh interpreter):")
        for label, seconds in breakdown(project):
            print(f"  {label:44} {seconds:5.2f} s")

        print("\n== Scaling: synthetic SOP categories and statements ==")
        print(f"{'scale':>5}  {'pages':>6}  {'build':>8}  {'per page':>9}  {'vs 1x per page':>14}")
        base_per_page = hb_time / hb_pages
        print(
            f"{1:>5}  {hb_pages:>6}  {hb_time:7.2f}s  {1000 * base_per_page:7.1f}ms  {1.0:>14.2f}"
        )
        for factor in args.scales:
            data = scaled_data(tmp / f"data-x{factor}", factor)
            scaled = copy_project(tmp / f"handbook-x{factor}", data)
            repeat = args.repeat if factor <= 10 else 1
            seconds, _ = best_of(repeat, scaled / "mkdocs.yml", tmp / f"site-x{factor}")
            pages = len(pages_of(tmp / f"site-x{factor}"))
            per_page = seconds / pages
            print(
                f"{factor:>5}  {pages:>6}  {seconds:7.2f}s  {1000 * per_page:7.1f}ms  "
                f"{per_page / base_per_page:>14.2f}"
            )
            shutil.rmtree(tmp / f"site-x{factor}", ignore_errors=True)

        print("\n== JavaScript and CSS a page loads (raw / gzip -9) ==")
        site = tmp / "site-handbook"
        for label, rel in (
            ("table page (sops/)", "sops/index.html"),
            ("matrix page", "change-management/balance-of-responsibility/index.html"),
            ("plain page (overview/)", "overview/index.html"),
        ):
            files = page_assets(site, site / rel)
            js, css = weight(files, ".js"), weight(files, ".css")
            print(
                f"{label:24} JS {kib(js[0]):>11} / {kib(js[1]):>10}   "
                f"CSS {kib(css[0]):>10} / {kib(css[1]):>9}"
            )
        table_only = [
            f for f in page_assets(site, site / "sops/index.html") if "handbook" in f.parts
        ]
        for f in table_only:
            raw, zipped = weight([f], f.suffix)
            print(f"  {f.relative_to(site).as_posix():44} {kib(raw):>11} / {kib(zipped):>10}")
    return 0


def _fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times) + f" (median {statistics.median(times):.2f})"


if __name__ == "__main__":
    sys.exit(main())
