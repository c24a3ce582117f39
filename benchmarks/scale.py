"""`exposure run` at scale, each run a process of its own: stage times, peak memory, ratios.

Used by bench_pipeline.py --works; see there. The code under test is the checkout a run is
started from: this project, or --baseline DIR put first on the import path.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import scaled

PROJECT = Path(__file__).resolve().parent.parent
HOME = "I9900000001"
#: The command as installed (`entry`; code older than 4 Dec has only `main`).
RUN = ("import sys; sys.path.insert(0, {code!r}); from analysis import cli; "
       "sys.exit(getattr(cli, 'entry', cli.main)())")


def works_file(n: int, cache: Path) -> Path:
    path = cache / f"works-{n}.jsonl.gz"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"generating {n} works into {path} ...", file=sys.stderr, flush=True)
        scaled.write(n, path.with_suffix(".part"))
        path.with_suffix(".part").rename(path)
    return path


def exposure(code: Path, *argv: str, cwd: Path) -> tuple[float, float]:
    """Run the CLI from `code` in a fresh process: (wall seconds, peak RSS in MiB)."""
    import time

    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", RUN.format(code=str(code)), *argv],
                               cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    error = process.stderr.read().decode() if process.stderr else ""
    process.stderr.close() if process.stderr else None
    if status:
        raise SystemExit(f"exposure {' '.join(argv)} failed:\n{error[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def one_run(code: Path, n: int, cache: Path) -> dict[str, float]:
    """Import n works into a new data folder and run everything once: the import's and the
    run's wall time and peak memory, each a process of its own, and the run's stages."""
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "report"
        imported, import_peak = exposure(code, "import", str(works_file(n, cache)),
                                         "--institution", HOME, "--data-dir", str(data),
                                         cwd=Path(tmp))
        wall, peak = exposure(code, "run", "--institution", HOME, "--years", "2019-2024",
                              "--data-dir", str(data), "--out", str(out), "--rebuild",
                              "--quiet", cwd=Path(tmp))
        stages = json.loads((out / "manifest.json").read_text())["timings_seconds"]
    return {**stages, "wall": wall, "peak_mib": peak, "import": imported,
            "import_peak_mib": import_peak, "import+run": imported + wall,
            "peak_both_mib": max(peak, import_peak)}


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r.get(key, 0.0) for r in runs) for key in runs[0]}


def main(sizes: list[int], repeat: int, baseline: Path | None, cache: Path) -> None:
    codes = {"now": PROJECT} | ({"baseline": baseline.resolve()} if baseline else {})
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    for n in sizes:
        works_file(n, cache)
    for _ in range(repeat):
        for n in sizes:
            for name, code in codes.items():  # interleaved: both see the same load
                results.setdefault((name, n), []).append(one_run(code, n, cache))
                print(f"  {name} {n}: {results[name, n][-1]['wall']:.1f} s", file=sys.stderr,
                      flush=True)
    table = {key: _median(runs) for key, runs in results.items()}
    totals = ("wall", "peak_mib", "import", "import_peak_mib", "import+run", "peak_both_mib")
    stages = [k for k in table["now", sizes[0]] if k not in totals]
    columns = [(name, n) for n in sizes for name in codes]
    print(f"exposure run, median of {repeat}; seconds (peak MiB last)")
    print(f"{'stage':<16}" + "".join(f"{name + ' ' + str(n):>18}" for name, n in columns))
    for key in [*stages, *totals]:
        print(f"{key:<16}" + "".join(f"{table[c].get(key, 0.0):>18.1f}" for c in columns))
    for name in codes:
        small, large = table[name, sizes[0]], table[name, sizes[-1]]
        per_work = (large["wall"] / sizes[-1]) / (small["wall"] / sizes[0])
        both = (large["import+run"] / sizes[-1]) / (small["import+run"] / sizes[0])
        print(f"{name}: time per work at {sizes[-1]} over {sizes[0]}: run {per_work:.2f}, "
              f"import+run {both:.2f}; run memory {large['peak_mib'] / small['peak_mib']:.2f}x")
    if baseline:
        for n in sizes:
            old, new = table["baseline", n], table["now", n]
            print(f"at {n}: baseline / now: run {old['wall'] / new['wall']:.2f}x, import+run "
                  f"{old['import+run'] / new['import+run']:.2f}x, peak memory "
                  f"{old['peak_mib'] / new['peak_mib']:.2f}x")
