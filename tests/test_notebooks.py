"""Notebooks are committed without outputs (they would name researchers) and run on the demo."""

from __future__ import annotations

import json

import pytest

from analysis import config

NOTEBOOKS = sorted((config.PROJECT_ROOT / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_with_parameters(path):
    nb = json.loads(path.read_text())
    assert nb["nbformat"] == 4
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "one cell tagged `parameters` (papermill injects after it)"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_on_the_demo(path, tmp_path):
    """Executed headless with papermill into a temporary data folder, as `make notebooks`
    would; the executed copy holds the outputs the notebook promises."""
    import papermill

    out = tmp_path / path.name
    papermill.execute_notebook(
        str(path), str(out), cwd=str(path.parent), kernel_name="python3", progress_bar=False,
        parameters={"DATA_DIR": str(tmp_path / "data"), "REPORT_DIR": str(tmp_path / "report"),
                    "DEMO": True})
    executed = json.loads(out.read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
    text = json.dumps(executed["cells"])
    assert "review_priority" in text and "root_name" in text
    assert (tmp_path / "report" / "index.html").exists()
