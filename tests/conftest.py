from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import config, pipeline


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Result:
    """The whole demo pipeline, run once for the session into a temporary data folder."""
    base = tmp_path_factory.mktemp("demo")
    return pipeline.run_demo(out=base / "report", data_dir=base / "data", quiet=True)


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


FIXTURES = Path(__file__).parent / "fixtures"
