"""``make screenshots``: PNGs of the built site's key pages, light and dark, for review.

    python -m tests.browser.screenshots --site site --out screenshots

Serves ``--site`` (a built site, ``make build``) on 127.0.0.1, opens each page in Debian's
Chromium through Playwright (no request leaves 127.0.0.1) and writes
``OUT/<name>-<light|dark>.png`` (full page, 1280 px wide). A page is the first of its
candidate paths that exists in the site.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from .conftest import CHROMIUM_ARGS, HOST, INSTALL_HINT, SiteServer

#: name → candidate paths (site-relative URLs), the first that exists is taken.
PAGES: dict[str, tuple[str, ...]] = {
    "home": ("",),
    "matrix-filtered": (
        "change-management/balance-of-responsibility/"
        "?matrix.on-premises-clients-and-servers=customer",
    ),
    "sops-tables": ("sops/?sop-statements.edition=2018&sop-statements.party=customer",),
    "sop": ("sops/service-accounts/",),
    # the party pages ("What the customer does"); roles/customer/ before they existed
    "party": ("who-does-what/customer/", "roles/customer/"),
    # the 2018 → 2022 diff; the editions index before it existed
    "diff": ("editions/2018-to-2022/", "editions/"),
}


def existing(site: Path, candidates: tuple[str, ...]) -> str | None:
    for url in candidates:
        path = urlsplit(url).path
        if (site / path / "index.html").is_file():
            return url
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=Path("site"), help="built site folder")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="PNG folder")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    if not (args.site / "index.html").is_file():
        print(f"no built site in {args.site}: run `make build` first", file=sys.stderr)
        return 2
    from playwright.sync_api import Route, sync_playwright

    def offline(route: Route) -> None:
        if urlsplit(route.request.url).hostname in (HOST, None):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    args.out.mkdir(parents=True, exist_ok=True)
    server = SiteServer(args.site)
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for scheme in ("light", "dark"):
                context = browser.new_context(
                    viewport={"width": 1280, "height": 900}, color_scheme=scheme
                )
                context.route("**/*", offline)
                page = context.new_page()
                for name, candidates in PAGES.items():
                    url = existing(args.site, candidates)
                    if url is None:
                        print(f"skipped {name}: none of {candidates} is in the site")
                        continue
                    page.goto(server.url + url, wait_until="networkidle")
                    page.wait_for_function(
                        """() => [...document.querySelectorAll("table[data-hb-table]")]
                            .every(t => t.dataset.hbEnhanced === "true")"""
                    )
                    target = args.out / f"{name}-{scheme}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(f"{target} ({url or '/'})")
                context.close()
            browser.close()
    finally:
        server.close()
    print("\n".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
