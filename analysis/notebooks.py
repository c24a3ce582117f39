"""The analyst notebooks: jupytext py:percent files in notebooks/, executed headless by papermill.

They are committed as text (reviewable diffs, never outputs: outputs name researchers); JupyterLab
with jupytext opens a `.py` file as a notebook and pairs it with a git-ignored `.ipynb`. Each has
one cell tagged `parameters` (institution, years, data folder, run folder); `execute` runs them
in order with the same values and keeps the executed copies, owner-only, in the run folder's
`notebooks/`. A notebook only calls the package: anything worth reusing lives in a module.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import config, files, report
from analysis.errors import InputError, NotebookError

NOTEBOOK_DIR = config.PROJECT_ROOT / "notebooks"
#: Every notebook's parameters cell sets at least these.
PARAMETERS = ("INSTITUTION", "YEARS", "DATA_DIR", "RUN_DIR")
KERNEL = "python3"


@dataclass
class Executed:
    name: str
    path: Path
    seconds: float


def available(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The numbered notebooks, in the order an analyst runs them."""
    return sorted(folder.glob("[0-9][0-9]-*.py"))


def is_demo(institution: str) -> bool:
    from analysis import demo

    return institution.strip().rstrip("/").rsplit("/", 1)[-1] == demo.HOME_KEY


def parameters(institution: str, years: tuple[int, int], data_dir: Path | str | None,
               run_dir: Path | str) -> dict[str, Any]:
    """The values papermill injects after each notebook's `parameters` cell."""
    return {"INSTITUTION": institution, "YEARS": f"{years[0]}-{years[1]}",
            "DATA_DIR": str(config.data_dir(data_dir)),
            "RUN_DIR": str(Path(run_dir).expanduser().absolute())}


def default_run_dir(institution: str, years: tuple[int, int]) -> Path:
    """The run folder `exposure demo` or `exposure run` writes by default."""
    from analysis.ids import parse_institution

    if is_demo(institution):
        return config.reports_dir() / "demo"
    _kind, key = parse_institution(institution)
    return config.reports_dir() / f"{key}_{years[0]}-{years[1]}"


def selected(only: list[str] | None, folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks to run: all, or those whose name starts with one of `only` ("03")."""
    found = available(folder)
    if not only:
        return found
    chosen = [p for p in found if any(p.stem.startswith(o) for o in only)]
    unknown = [o for o in only if not any(p.stem.startswith(o) for p in found)]
    if unknown:
        raise InputError(f"--only {', '.join(unknown)}: no such notebook (have "
                         f"{', '.join(p.stem for p in found)})")
    return chosen


def executed_dir(run_dir: Path) -> Path:
    """Where executed copies go: inside the run they describe, or beside it when there is no
    run folder yet (a folder that is not a run would block the next `exposure run --out`)."""
    if report.is_run_dir(run_dir):
        return run_dir / "notebooks"
    return run_dir.with_name(f"{run_dir.name}-notebooks")


def execute(params: dict[str, Any], notebooks: list[Path] | None = None,
            say: Callable[[str], None] | None = None) -> list[Executed]:
    """Run each notebook headless with `params`; keep every executed copy (a failed one too,
    to read the error in place) and report the seconds each took."""
    import jupytext
    import papermill

    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    run_dir = Path(params["RUN_DIR"])
    done: list[Executed] = []
    with tempfile.TemporaryDirectory(prefix="exposure-notebooks-") as scratch:
        for path in notebooks if notebooks is not None else available():
            out = Path(scratch) / f"{path.stem}.ipynb"
            say(f"[notebook] {path.name} ...")
            start = time.perf_counter()
            try:
                papermill.execute_notebook(jupytext.read(path), str(out), parameters=params,
                                           cwd=str(path.parent), kernel_name=KERNEL,
                                           language="python", progress_bar=False,
                                           log_output=False)
            except papermill.PapermillExecutionError as exc:
                kept = _keep([out], run_dir)
                raise NotebookError(f"{path.name}: cell {exc.exec_count} failed: {exc.ename}: "
                                    f"{exc.evalue} (executed copy: "
                                    f"{kept[0] if kept else 'none'})") from None
            seconds = round(time.perf_counter() - start, 1)
            say(f"[notebook] {path.name} done in {seconds:.1f}s")
            done.append(Executed(path.stem, out, seconds))
        kept = _keep([d.path for d in done], run_dir)
    for item, path in zip(done, kept, strict=True):
        item.path = path
    return done


def _keep(executed: list[Path], run_dir: Path) -> list[Path]:
    target = executed_dir(run_dir)
    files.make_dir(target)
    kept = []
    for path in executed:
        if path.exists():
            kept.append(files.write_with(target / path.name,
                                         lambda tmp, src=path: shutil.copyfile(src, tmp)))
    return kept


def preview(page: Path, height: int = 600) -> Any:
    """A report page shown inside the notebook, in a frame so its styles stay its own."""
    from html import escape

    from IPython.display import HTML

    source = escape(Path(page).read_text(encoding="utf-8"), quote=True)
    return HTML(f'<iframe srcdoc="{source}" style="width:100%;height:{height}px;'
                f'border:1px solid #bbb" title="{escape(Path(page).name)}"></iframe>')
