"""PDF copies of the HTML reports, printed by headless Chromium through Playwright.

Chromium is Debian's package (`apt-get install chromium`), never a browser downloaded at run
time; the reports' print CSS lays out the pages. Chinese affiliation strings are evidence: without
a CJK font (Debian's fonts-noto-cjk) Chromium prints them as empty boxes, so `render` warns when
fontconfig knows none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from analysis import files
from analysis.errors import PdfError

CHROMIUM_ENV = "EXPOSURE_CHROMIUM"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


CJK_INSTALL = "sudo apt-get install fonts-noto-cjk"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def chromium_path() -> str:
    found = os.environ.get(CHROMIUM_ENV) or next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser",
                                               "google-chrome")) if p), None)
    if not found:
        raise PdfError("PDFs need Chromium: install it (Debian: apt-get install chromium) or "
                       f"set {CHROMIUM_ENV} to its path; the HTML reports are complete without it")
    return found


def cjk_fonts() -> list[str]:
    """Font families fontconfig offers for Chinese; [] when none (or no fontconfig)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                                text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({name.split(",")[0].strip() for name in listed.splitlines() if name.strip()})


def font_warning(pages: list[Path]) -> str | None:
    """Why Chinese text would print as boxes, and the fix; None when a CJK font is there."""
    if cjk_fonts():
        return None
    chinese = sum(1 for page in pages if HAN.search(page.read_text(encoding="utf-8")))
    held = f"{chinese} of these {len(pages)} reports hold Chinese text, which" if chinese \
        else "Chinese text in affiliation strings"
    return (f"warning: no CJK font found (fc-list :lang=zh lists none): {held} will print as "
            f"empty boxes in the PDFs; install one ({CJK_INSTALL}) and print again with "
            "`exposure report RUN_DIR --pdf`")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def render(run_dir: Path, warn: Callable[[str], None] = _stderr) -> tuple[list[Path], float]:
    """Print index.html and every department page to run_dir/pdf/; (files, seconds)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError("PDFs need Playwright: pip install 'exposure-analyser[pdf]'") from None
    browser_path = chromium_path()
    pages = [run_dir / "index.html", *sorted((run_dir / "departments").glob("*.html"))]
    if message := font_warning(pages):
        warn(message)
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
