"""PDF copies of the HTML reports, printed by headless Chromium through Playwright.

Chromium is Debian's package (`apt-get install chromium`), never a browser downloaded at run
time; the reports' print CSS gives page breaks and repeated table headers.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from analysis import files

CHROMIUM_ENV = "EXPOSURE_CHROMIUM"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


class PdfError(RuntimeError):
    """PDFs cannot be made here; the message says what to install."""


def chromium_path() -> str:
    found = os.environ.get(CHROMIUM_ENV) or next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser",
                                               "google-chrome")) if p), None)
    if not found:
        raise PdfError("PDFs need Chromium: install it (Debian: apt-get install chromium) or "
                       f"set {CHROMIUM_ENV} to its path; the HTML reports are complete without it")
    return found


def render(run_dir: Path) -> tuple[list[Path], float]:
    """Print index.html and every department page to run_dir/pdf/; (files, seconds)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError("PDFs need Playwright: pip install 'exposure-analyser[pdf]'") from None
    browser_path = chromium_path()
    pages = [run_dir / "index.html", *sorted((run_dir / "departments").glob("*.html"))]
    target = run_dir / "pdf"
    files.make_dir(target)
    start, written = time.perf_counter(), []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for html in pages:
            page.goto(html.resolve().as_uri())
            out = target / f"{html.stem}.pdf"
            files.write_with(out, lambda tmp: page.pdf(
                path=str(tmp), format="A4", print_background=True,
                margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}))
            written.append(out)
        browser.close()
    return written, time.perf_counter() - start


def render_file(html: Path, out: Path) -> float:
    """Print one HTML file (a case file, say) to `out`; returns the seconds it took."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError("PDFs need Playwright: pip install 'exposure-analyser[pdf]'") from None
    browser_path = chromium_path()
    start = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(Path(html).resolve().as_uri())
        files.write_with(out, lambda tmp: page.pdf(
            path=str(tmp), format="A4", print_background=True,
            margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}))
        browser.close()
    return time.perf_counter() - start
