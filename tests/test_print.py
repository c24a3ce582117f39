"""The PDFs a review board takes into the meeting, read back with poppler (pdftotext, pdffonts).

What failed before: Chinese affiliation strings printed as empty boxes, the flagged-works table
cut off at the right edge, and a department of 45 flagged works spread over 24 mostly empty pages.
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from analysis import pdf
from tests.conftest import run_cli

pytestmark = pytest.mark.slow

XHTML = "{http://www.w3.org/1999/xhtml}"
#: Geometry behind the page bound: an A4 page less its margins holds 267 mm; a flag block is
#: at most about 45 mm (eight lines of 7.5 pt text with the longest list and evidence strings),
#: so at least 5 fit on a page. The first page holds key figures, trend and partners, the
#: researchers table and network take at most two more.
BLOCKS_PER_PAGE = 5
FRONT_PAGES = 3


def _run(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def printed(demo_run) -> Path:
    pdf.render(demo_run.out, warn=lambda _m: None)
    return demo_run.out


def _pages(path: Path) -> list[dict]:
    """Each page's size and words with their boxes, from `pdftotext -bbox`."""
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", _run("pdftotext", "-bbox", str(path), "-"))
    pages = []
    for page in ElementTree.fromstring(xml).iter(f"{XHTML}page"):
        words = [(w.text or "", float(w.get("xMax")), float(w.get("yMax")))
                 for w in page.iter(f"{XHTML}word")]
        pages.append({"width": float(page.get("width")), "height": float(page.get("height")),
                      "words": words, "text": " ".join(w[0] for w in words)})
    return pages


def _flag_rows(run_dir: Path, slug: str) -> int:
    html = (run_dir / "departments" / f"{slug}.html").read_text(encoding="utf-8")
    return len(re.findall(r'<tr class="tier', html))


def _fonts(path: Path, page: int) -> list[list[str]]:
    lines = _run("pdffonts", "-f", str(page), "-l", str(page), str(path)).splitlines()[2:]
    return [line.split() for line in lines]


@pytest.mark.browser
def test_chinese_text_is_printed_in_an_embedded_cjk_font(printed):
    """Without a CJK font Chromium draws boxes in the Latin font, and pdffonts lists only that
    font. Chromium embeds Noto CJK (CFF outlines) as Type 3 fonts with no name, a TrueType CJK
    font by its name; either way a font carrying the Han glyphs appears on exactly the pages
    whose text is Chinese."""
    assert pdf.cjk_fonts(), "no CJK font: sudo apt-get install fonts-noto-cjk"
    path = printed / "pdf" / "physics.pdf"
    pages = _pages(path)
    chinese = [n for n, p in enumerate(pages, start=1) if pdf.HAN.search(p["text"])]
    assert chinese, "the demo's physics flags include Chinese affiliation strings"
    for number in range(1, len(pages) + 1):
        cjk = [f for f in _fonts(path, number)
               if ("Type" in f and f[f.index("Type") + 1] == "3") or "CJK" in f[0]]
        assert all(f[-5] == "yes" for f in cjk)  # embedded
        assert bool(cjk) == (number in chinese), (number, cjk)


@pytest.mark.browser
def test_every_column_of_the_flagged_works_is_on_the_page(printed):
    html = (printed / "departments" / "physics.html").read_text(encoding="utf-8")
    headers = re.findall(r"<th scope=\"col\">([^<]+)</th>",
                         html[html.index('<table class="flags">'):])
    assert headers[-1] == "Review status"
    pages = _pages(printed / "pdf" / "physics.pdf")
    text = " ".join(p["text"] for p in pages)
    assert text.count("Review status:") == _flag_rows(printed, "physics")
    for header in headers[1:]:
        assert header.split(" (")[0].split()[0] in text
    for page in pages:  # nothing runs past the right edge
        assert max(x for _, x, _ in page["words"]) <= page["width"]


@pytest.mark.browser
def test_first_page_holds_key_figures_trend_and_partners(printed):
    first = _pages(printed / "pdf" / "eee.pdf")[0]["text"]
    for heading in ("Key figures against the institution", "Works and flagged works per year",
                    "Watchlisted partners", "Partner institutions on this department"):
        assert heading in first
    partners = (printed / "departments" / "eee.html").read_text(encoding="utf-8")
    top = re.search(r"<h2>Watchlisted partners</h2>.*?<tbody><tr><td>([^<]+)</td>", partners,
                    re.S).group(1)
    assert top.split()[0] in first


@pytest.mark.browser
def test_page_count_follows_the_flags_and_no_page_is_mostly_empty(printed):
    for path in sorted((printed / "pdf").glob("*.pdf")):
        pages = _pages(path)
        if path.stem != "index":
            rows = _flag_rows(printed, path.stem)
            assert len(pages) <= FRONT_PAGES + math.ceil(rows / BLOCKS_PER_PAGE), path.stem
        for number, page in enumerate(pages[:-1], start=1):
            lowest = max(y for _, _, y in page["words"]) / page["height"]
            assert lowest > 0.5, f"{path.stem} page {number} is mostly empty"


def test_missing_cjk_font_is_a_clear_warning(monkeypatch, demo_run):
    monkeypatch.setattr(pdf, "cjk_fonts", lambda: [])
    pages = [demo_run.out / "index.html", demo_run.out / "departments" / "physics.html"]
    message = pdf.font_warning(pages)
    assert "no CJK font" in message and "fonts-noto-cjk" in message
    assert "1 of these 2 reports hold Chinese text" in message
    monkeypatch.setattr(pdf, "cjk_fonts", lambda: ["Noto Sans CJK SC"])
    assert pdf.font_warning(pages) is None


@pytest.mark.browser
def test_printing_without_a_cjk_font_warns_the_user(capsys, monkeypatch, demo_run):
    monkeypatch.setattr(pdf, "cjk_fonts", lambda: [])
    code, out, err = run_cli(capsys, "report", str(demo_run.out), "--pdf")
    assert code == 0 and "PDFs in" in out
    assert "warning: no CJK font found" in err and "fonts-noto-cjk" in err
