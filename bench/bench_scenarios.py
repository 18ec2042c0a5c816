"""Benchmark: scenario evaluation on the demo, and re-evaluation after a change to one site.

Acceptance (issue 5): re-running a scenario after a change to only one site re-evaluates in under
1 s on the demo, because the network, the baseline metrics and the accessibility cache are reused.

Run: ``.venv/bin/python bench/bench_scenarios.py [--repeat 5] [--out bench/results]``. Uses
``layers/baerum-demo.yaml`` when the demo is built, otherwise builds it into a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from arealanalyse.scenarios.evaluate import Evaluator, validate_files
from arealanalyse.scenarios.load import load_scenario
from arealanalyse.study import Study

ROOT = Path(__file__).resolve().parents[1]


def _demo_catalogue(tmp: Path) -> Path:
    cat = ROOT / "layers" / "baerum-demo.yaml"
    if cat.is_file() and (ROOT / "layers" / "baerum-demo" / "baerum-demo.gpkg").is_file():
        return cat
    from arealanalyse.demo import build_demo

    return build_demo(tmp / "baerum-demo", catalogue=tmp / "baerum-demo.yaml")


def _scenarios(tmp: Path, catalogue: Path) -> Path:
    folder = tmp / "scenarios"
    folder.mkdir()
    for p in (ROOT / "scenarios").glob("*.yaml"):
        text = p.read_text(encoding="utf-8")
        if p.name == "baseline.yaml":
            text = text.replace("../layers/baerum-demo.yaml", catalogue.as_posix())
        (folder / p.name).write_text(text, encoding="utf-8")
    return folder


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def _evaluator(catalogue: Path) -> Evaluator:
    """Open the study area and load what an evaluation needs (layers, rasters, network)."""
    return Evaluator(Study.open(catalogue))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-scenarios-"))
    try:
        catalogue, t_demo = _timed(_demo_catalogue, tmp)
        folder = _scenarios(tmp, catalogue)
        files = sorted(folder.glob("*.yaml"))
        _, t_validate = _timed(validate_files, files)
        ev, t_load = _timed(_evaluator, catalogue)
        knut = load_scenario(folder / "knutepunkt.yaml")
        _, t_first = _timed(ev.evaluate, knut)  # includes the baseline suite (once)
        _, t_second = _timed(ev.evaluate, knut)  # same scenario again

        # Change one site: more floor space on one site, and one site moved to another area.
        raw = yaml.safe_load((folder / "knutepunkt.yaml").read_text(encoding="utf-8"))
        raw["name"] = "knutepunkt-endret"
        raw["sites"][0]["bra_m2"] = 80_000
        raw["sites"][3]["area"] = "Ramstadsletta"
        changed = folder / "knutepunkt-endret.yaml"
        changed.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
        times, cpu = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            sc = load_scenario(changed)  # the user edited the file: load + validate + evaluate
            ev.evaluate(sc, sites=ev.check(sc))
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        fresh_ev, t_fresh_load = _timed(_evaluator, catalogue)
        _, t_fresh = _timed(fresh_ev.evaluate, load_scenario(changed))
        results = {
            "measured_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "load_average_1min": round(os.getloadavg()[0], 1),
            "demo_build_or_locate_s": round(t_demo, 3),
            "validate_5_files_s": round(t_validate, 3),
            "evaluator_load_s": round(t_load, 3),
            "first_evaluation_incl_baseline_s": round(t_first, 3),
            "same_scenario_again_s": round(t_second, 3),
            "one_site_changed_reevaluation_s": {
                "median": round(statistics.median(times), 3),
                "max": round(max(times), 3),
                "runs": [round(t, 3) for t in times],
                "cpu_median": round(statistics.median(cpu), 3),
            },
            "cold_run_changed_scenario_s": round(t_fresh_load + t_fresh, 3),
            "acceptance_under_1s_median": statistics.median(times) < 1.0,
        }
        print(json.dumps(results, indent=2))
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "scenarios.json").write_text(json.dumps(results, indent=2) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
