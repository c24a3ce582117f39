"""The demo's reports in a real browser (Debian's Chromium driven by Playwright) and as PDF.

`make test` installs Chromium and poppler-utils where it can and otherwise skips these tests
with the install command; .ci/run sets EXPOSURE_REQUIRE_BROWSER so there they always run.
"""

from __future__ import annotations

import subprocess

import pytest
from matplotlib import image
from playwright.sync_api import sync_playwright

from analysis import pdf

pytestmark = pytest.mark.browser


@pytest.fixture()
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=pdf.chromium_path(),
                                              args=pdf.CHROMIUM_ARGS)
        yield launched
        launched.close()


def _visit(browser, path, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri())
    shot = tmp_path / f"{path.stem}.png"
    page.screenshot(path=str(shot))
    return page, errors, requests, shot


def _eee_truth_rows(truth_flags, truth_departments) -> int:
    eee_works = {r.work_id for r in truth_departments.itertuples()
                 if "eee" in r.departments.split(";")}
    positive = truth_flags[(truth_flags["entry_id"] != "") &
                           truth_flags["work_id"].isin(eee_works)]
    return len(positive.drop_duplicates(["work_id", "author_id", "raw_affiliation",
                                         "entry_id"]))


def test_summary_and_department_report_in_chromium(browser, demo_run, truth_flags,
                                                    truth_departments, tmp_path):
    for path in [demo_run.out / "index.html", demo_run.out / "departments" / "eee.html"]:
        page, errors, requests, shot = _visit(browser, path, tmp_path)
        assert errors == [], errors
        assert requests == [path.resolve().as_uri()], requests  # nothing leaves the file
        pixels = image.imread(shot)
        assert pixels.shape[:2] == (800, 1280) and pixels.std() > 0.05  # not blank
        if path.stem == "eee":
            rows = page.locator("tr[class^=tier]").count()
            assert rows == _eee_truth_rows(truth_flags, truth_departments)
        page.close()


def test_every_page_fits_a_laptop_window(browser, demo_run, tmp_path):
    """No table runs past the right edge of a 1280-pixel window (the flagged works have
    eleven columns and the grants ten)."""
    pages = [demo_run.out / "index.html", *sorted((demo_run.out / "departments").glob("*.html"))]
    for path in pages:
        page, _errors, _requests, _shot = _visit(browser, path, tmp_path)
        overflow = page.evaluate("document.documentElement.scrollWidth - "
                                 "document.documentElement.clientWidth")
        assert overflow <= 0, (path.name, overflow)
        page.close()


def test_pdfs(demo_run):
    files, _seconds = pdf.render(demo_run.out)
    names = {f.stem for f in files}
    assert {"index", "eee", "physics", "unattributed"} <= names
    for file in files:
        assert oct(file.stat().st_mode & 0o777) == "0o600"
    info = subprocess.run(["pdfinfo", str(demo_run.out / "pdf" / "index.pdf")],
                          capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert 2 <= pages <= 12
    text = subprocess.run(["pdftotext", str(demo_run.out / "pdf" / "eee.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Electronic and Electrical Engineering" in text
    assert "Screening aid, not a finding" in text
