"""Where a no-cache build's time goes: each stage the handbook adds to a plain build, timed.

    python benchmarks/build_stages.py [--repeat 5]

The budget of issue 9 for a build with no cache (a CI build) is 1.5 times the plain MkDocs +
Material build of the same Markdown, so the handbook's own work may take half the plain
build's time. This script measures that allowance and the stages that spend it, in the same
run: the plain build (``mkdocs build --strict`` of the ``handbook pages`` Markdown, as
``site_build.py`` builds it, best of ``--repeat``), then ``--repeat`` fresh processes that
each import what the plain build imports anyway (MkDocs, Material, Python-Markdown,
pymdown-extensions, Jinja2, PyYAML) and then run, in the order a build runs them and each
timed on its own:

1. importing the model (pydantic models of ``handbook.model``);
2. loading and validating ``data/``;
3. importing pandas (with pyarrow);
4. the checker's part of the site: the samples' verdicts and the output-format examples
   (`handbook.site.results.compute`, which imports the checker);
5. importing compliance-trestle's catalog, profile and SSP models;
6. the OSCAL documents of the downloads page (`handbook.site.downloads.oscal_downloads`);
7. compiling every page template (Jinja2; kept in memory only, as issue 9 asks);
8. generating the pages, nav and download files (`handbook.site.generate.generate_site`
   with the results and OSCAL files above, templates compiled).

Prints each stage's best and median seconds, their sum, the allowance, and which stages are
libraries or compilation that happen before the handbook does any work of its own. Not
timed here: the three print pages, assembled by the plugin from the rendered HTML while
MkDocs builds (about 0.1 s), and MkDocs' own handling of the generated files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from copies import copy_project, env, plain_project, run_timed
from site_build import build

#: Run in a fresh process in the project copy; prints the stages' seconds as JSON.
STAGES = r"""
import json, time
from pathlib import Path
import mkdocs.commands.build, material, markdown, pymdownx, jinja2, yaml  # the plain build's

seconds = {}
def stage(name, work):
    begin = time.perf_counter()
    value = work()
    seconds[name] = time.perf_counter() - begin
    return value

def imports(*names):
    return lambda: [__import__(n) for n in names]

stage("import the model (pydantic)", imports("handbook.model.loader"))
from handbook.model.loader import load_handbook
hb = stage("load and validate data/", lambda: load_handbook(Path("data"))[0])
stage("import pandas (and pyarrow)", imports("pandas"))
from handbook.site.results import compute
results = stage("samples' verdicts and format examples", lambda: compute(hb))
stage("import compliance-trestle", imports(
    "trestle.oscal.catalog", "trestle.oscal.profile", "trestle.oscal.ssp"))
from handbook.site.downloads import oscal_downloads
from handbook.site.registry import DEFAULT_LEARN_BASE_URL
oscal = stage("the OSCAL documents", lambda: oscal_downloads(hb, DEFAULT_LEARN_BASE_URL))
from handbook.site.render import environment
templates = environment(None)  # the key SiteRenderer uses (lru_cache)
stage("compile the page templates", lambda: [
    templates.get_template(n) for n in templates.list_templates() if n.endswith(".j2")])
from handbook.site.generate import generate_site
stage("generate pages, nav, downloads", lambda: generate_site(hb, None, results, oscal))
print(json.dumps(seconds))
"""

#: Stages that are a library's import or template compilation: paid before any work.
FIXED = (
    "import the model (pydantic)",
    "import pandas (and pyarrow)",
    "import compliance-trestle",
    "compile the page templates",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="best of N (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="handbook-build-stages-") as tmp:
        work = Path(tmp)
        project = copy_project(work / "project")
        plain = plain_project(project, work / "plain")
        build(plain, work / "site", env())  # warm-up: bytecode written
        plain_times = [build(plain, work / "site", env()) for _ in range(args.repeat)]
        runs: list[dict[str, float]] = []
        cmd = [sys.executable, "-c", STAGES]
        run_timed(cmd, project, env())  # warm-up
        for _ in range(args.repeat):
            result = subprocess.run(
                cmd, cwd=project, env=env(), capture_output=True, text=True, check=True
            )
            runs.append(json.loads(result.stdout))
        shutil.rmtree(work / "site", ignore_errors=True)
    plain_best = min(plain_times)
    allowance = plain_best / 2
    print(f"plain build (best of {args.repeat}): {plain_best:.2f} s; ", end="")
    print(f"no-cache allowance (1.5x): {allowance:.2f} s over it")
    print(f"{'stage (fresh process, in build order)':42} {'best':>6} {'median':>7}")
    best: dict[str, float] = {}
    for name in runs[0]:
        values = [r[name] for r in runs]
        best[name] = min(values)
        mark = "*" if name in FIXED else " "
        print(f"{mark} {name:40} {best[name]:6.3f} {statistics.median(values):7.3f}")
    fixed = sum(best[name] for name in FIXED)
    print(f"  {'sum of the stages':40} {sum(best.values()):6.3f}")
    print(f"* imports and template compilation alone: {fixed:.3f} s = ", end="")
    print(f"{fixed / allowance:.0%} of the allowance")
    return 0


if __name__ == "__main__":
    sys.exit(main())
