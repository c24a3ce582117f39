from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli, config, pdf, pipeline

FIXTURES = Path(__file__).parent / "fixtures"
#: Set by .ci/run: browser tests must run there, never be skipped.
REQUIRE_BROWSER = "EXPOSURE_REQUIRE_BROWSER"
BROWSER_TOOLS = {"chromium": ("chromium", "chromium-browser"), "pdftotext": ("pdftotext",),
                 "pdfinfo": ("pdfinfo",)}
INSTALL = "sudo apt-get install chromium poppler-utils fonts-noto-cjk"


def missing_browser_tools() -> list[str]:
    """The system programs the browser and PDF tests need that this machine lacks."""
    have_chromium = os.environ.get("EXPOSURE_CHROMIUM")
    missing = [tool for tool, names in BROWSER_TOOLS.items()
               if not (tool == "chromium" and have_chromium)
               and not any(shutil.which(n) for n in names)]
    return missing + ([] if pdf.cjk_fonts() else ["a CJK font"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests need Debian's Chromium and poppler-utils. Where they are missing (and
    `make test` could not install them) the tests are skipped with the reason and the install
    command; under .ci/run they must run."""
    missing = missing_browser_tools()
    if not missing or os.environ.get(REQUIRE_BROWSER):
        return
    skip = pytest.mark.skip(reason=f"needs {', '.join(missing)}: {INSTALL}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The CLI called in-process: (exit code, standard output, standard error)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse exits for --help and usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def import_records(capsys: pytest.CaptureFixture[str], tmp_path: Path, records: list[dict],
                   institution: str = "I9900000001") -> Path:
    """Records written as JSONL (ASCII, so odd characters travel as escapes) and imported
    through the CLI into tmp_path/data; returns the data folder."""
    source = tmp_path / "works.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    data = tmp_path / "data"
    code, _, err = run_cli(capsys, "import", str(source), "--institution", institution,
                           "--data-dir", str(data))
    assert code == 0, err
    return data


def run_imported(capsys: pytest.CaptureFixture[str], data: Path, out: Path, years: str,
                 *extra: str, institution: str = "I9900000001") -> tuple[int, str, str]:
    return run_cli(capsys, "run", "--institution", institution, "--years", years,
                   "--data-dir", str(data), "--out", str(out), "--quiet", *extra)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Result:
    """The whole demo pipeline, run once for the session into a temporary data folder."""
    base = tmp_path_factory.mktemp("demo")
    return pipeline.run_demo(out=base / "report", data_dir=base / "data", quiet=True)


def demo_data_dir(result: pipeline.Result) -> Path:
    return result.interim.parent.parent


def short(series: pd.Series) -> pd.Series:
    return series.str.rsplit("/", n=1).str[-1]


@pytest.fixture(scope="session")
def truth_flags() -> pd.DataFrame:
    frame = pd.read_csv(config.DEMO_DIR / "truth_flags.csv", dtype=str, keep_default_na=False)
    return frame.assign(work_id=short(frame["work_id"]), author_id=short(frame["author_id"]))


@pytest.fixture(scope="session")
def truth_departments() -> pd.DataFrame:
    frame = pd.read_csv(config.DEMO_DIR / "truth_departments.csv", dtype=str,
                        keep_default_na=False)
    return frame.assign(work_id=short(frame["work_id"]), author_id=short(frame["author_id"]))
