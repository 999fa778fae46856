"""The benchmark's child processes: ``python -m extract.bench <step> ...``, the same as
``gtwh bench <step> ...`` (one parser, extract/cli.py).

Each step prints one JSON line last, which the parent reads as the step's result.
  stage <extract|staging|validation|marts|publish> <source>   one stage of ``gtwh etl``
  floor <files.json> <out>                             DuckDB alone: raw files -> typed Parquet
  peer <mirror> <out> <events> <total>                 the blog approach (pandas)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _stage(name: str, source: str) -> dict:
    from extract import pipeline
    from extract.build_state import Fingerprints
    from extract.settings import Settings

    settings = Settings.from_env()
    if name == "extract":
        report = pipeline.stage_extract(settings, source)
        return {"rows": report.rows_by_resource(), "rejected": len(report.rejected)}
    if name == "staging":
        outcome = pipeline.stage_staging(settings)
        return {"skipped": outcome is None, "models": outcome.models if outcome else 0}
    if name == "validation":
        fingerprints = Fingerprints.of(settings)
        skipped = pipeline.up_to_date(settings, fingerprints)
        outcome = pipeline.stage_validate(settings, fingerprints)
        return {
            "skipped": skipped,
            "rows": sum(outcome.rows_validated.values()),
            "warnings": len(outcome.warnings),
        }
    if name == "marts":
        outcome = pipeline.stage_marts(settings)
        if outcome is not None and not outcome.success:
            raise pipeline.PipelineError("dbt marts failed:\n  " + "\n  ".join(outcome.failures))
        return {
            "skipped": outcome is None,
            "models": outcome.models if outcome else 0,
            "tests": outcome.tests_passed + outcome.tests_warned if outcome else 0,
        }
    if name == "publish":
        # the copy of the build file onto the published path readers open (extract/publish.py)
        done = pipeline.stage_publish(settings)
        return {
            "skipped": done is None,
            "bytes": done.bytes if done else 0,
            "publish_s": done.seconds if done else 0.0,
        }
    raise SystemExit(f"unknown stage {name!r}")


def run_step(args: argparse.Namespace) -> int:
    step = args.step
    if step == "stage":
        from extract.pipeline import PipelineError

        try:
            result = _stage(args.stage, args.source)
        except PipelineError as error:
            print(f"stage {args.stage} failed: {error}", file=sys.stderr)
            return 1
    elif step == "floor":
        from extract.bench.baselines import floor

        listed = json.loads(Path(args.files).read_text())
        pages, exports = [Path(p) for p in listed["pages"]], [Path(p) for p in listed["exports"]]
        result = {
            "events": floor(pages, exports, Path(args.floor_out)),
            "files": len(pages) + len(exports),
        }
    elif step == "peer":
        from extract.bench.baselines import peer, peer_files
        from extract.bench.workload import event_files

        pages, exports = event_files(Path(args.mirror))
        files = peer_files(pages, exports, args.peer_count, args.total)
        result = {"events": peer(files, Path(args.peer_out), args.peer_count)}
    else:
        raise SystemExit(f"unknown step {step!r}")
    print(json.dumps(result))
    return 0
