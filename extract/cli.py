"""``gtwh``: a thin command line over the library. Each subcommand calls one function."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _settings(args: argparse.Namespace):
    from extract.settings import Settings

    return Settings.from_env(data_dir=getattr(args, "data_dir", None))


def cmd_simulate(args: argparse.Namespace) -> int:
    from extract.simulator import simulate

    summary = simulate(
        Path(args.out),
        seed=args.seed,
        events=args.events,
        log_format=args.log_format,
        anomalies=not args.no_anomalies,
    )
    print(
        f"wrote a simulated Ground Truth operation to {summary.out}: "
        f"{summary.events_written:,} log events, {len(summary.jobs)} jobs, {summary.users} users"
    )
    return 0


def _aws_options(args: argparse.Namespace):
    """`--source aws` flags over the GTWH_AWS_* defaults (docs/aws.md), as an options object
    passed down to extract_aws; None for the other sources. Raises ValueError on a bad value."""
    if getattr(args, "source", None) != "aws":
        return None
    from extract.sources.aws.options import AwsOptions, parse_time

    def many(values):
        return tuple(values) if values else None

    return AwsOptions.from_env().with_overrides(
        region=args.region,
        workteams=many(args.workteam),
        jobs=many(args.job),
        resources=many(args.resource),
        since=parse_time(args.since),
        until=parse_time(args.until),
        full_refresh=True if args.full_refresh else None,
        identity=args.identity,
        export_s3=args.export_s3,
    )


def cmd_extract(args: argparse.Namespace) -> int:
    from extract.pipeline import extract_source
    from extract.sources.aws.errors import AwsSetupError

    try:
        aws_options = _aws_options(args)
        report = extract_source(_settings(args), args.source, aws_options=aws_options)
    except (AwsSetupError, ValueError) as error:
        print(f"gtwh extract: {error}", file=sys.stderr)
        return 2
    for resource, rows in report.rows_by_resource().items():
        print(f"{resource:<26}{rows:>12,}")
    for key, reason in report.rejected:
        print(f"rejected {key}: {reason}")
    if report.absent:
        print("absent: " + ", ".join(report.absent))
    problems = getattr(report, "problems", [])
    for problem in problems:
        print(f"not extracted: {problem.describe()}", file=sys.stderr)
    return 1 if problems else 0


def cmd_etl(args: argparse.Namespace) -> int:
    from extract.pipeline import PipelineError, run_etl
    from extract.sources.aws.errors import AwsSetupError

    try:
        aws_options = _aws_options(args)
    except ValueError as error:
        print(f"gtwh etl: {error}", file=sys.stderr)
        return 2
    try:
        if getattr(args, "target", "duckdb") == "spark":
            from extract.spark_target import run_etl_spark

            run_etl_spark(_settings(args), args.source, aws_options=aws_options)
        else:
            run_etl(_settings(args), args.source, aws_options=aws_options)
    except (PipelineError, AwsSetupError) as error:
        print(f"\ngtwh etl failed: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from expectations.validation import describe_failures, validate_new

    outcome = validate_new(_settings(args))
    print(describe_failures(outcome) or f"{outcome.passed} checks passed")
    return 1 if outcome.errors else 0


def cmd_publish(args: argparse.Namespace) -> int:
    from extract.publish import PublishError, WarehouseLocked, publish

    settings = _settings(args)
    try:
        done = publish(settings)
    except (PublishError, WarehouseLocked) as error:
        print(f"gtwh publish: {error}", file=sys.stderr)
        return 1
    print(
        f"published {settings.build_warehouse} as {done.path} "
        f"({done.bytes / 2**20:,.0f} MB in {done.seconds:.1f} s)"
    )
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """A read-only DuckDB shell on the published warehouse (``make sql``)."""
    import shutil

    from extract.publish import WarehouseLocked, connect_published

    settings = _settings(args)
    try:
        connect_published(settings).close()
    except (FileNotFoundError, WarehouseLocked) as error:
        print(f"gtwh sql: {error}", file=sys.stderr)
        return 2
    shell = Path(sys.executable).with_name("duckdb")
    shell = str(shell) if shell.exists() else shutil.which("duckdb")
    if shell is None:
        print(
            "gtwh sql: the DuckDB shell is not installed (pip package duckdb-cli)", file=sys.stderr
        )
        return 2
    os.execv(shell, [shell, "-readonly", str(settings.published_warehouse), *args.shell_args])
    return 0  # not reached


def cmd_docs(args: argparse.Namespace) -> int:
    from extract.transform import dbt

    settings = _settings(args)
    # The catalogue is read from the published warehouse, read-only (profiles.yml "published").
    outcome = dbt(settings, "docs", "generate", "--static", "--target", "published", quiet=False)
    print(f"dbt docs: {settings.project_dir / 'target' / 'static_index.html'}")
    return 0 if outcome.success else 1


def cmd_report(args: argparse.Namespace) -> int:
    from extract.report import ReportError, write_operations_report

    settings = _settings(args)
    try:
        result = write_operations_report(
            settings, warehouse=args.warehouse, out=args.out, identity=args.identity
        )
    except ReportError as error:
        print(f"gtwh report failed: {error}", file=sys.stderr)
        return 1
    print(
        f"operations report: {result.path} ({result.size_bytes / 1e6:.1f} MB, of which "
        f"{result.data_bytes / 1e3:.0f} kB embedded aggregates; {len(result.figures)} plots)"
    )
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    if args.step:  # one child step of a benchmark (python -m extract.bench <step>)
        from extract.bench.steps import run_step

        return run_step(args)
    from extract.bench import run_bench

    settings = _settings(args)
    out = Path(args.out) if args.out else settings.data_dir / "bench"
    report = Path(args.report) if args.report else settings.project_dir / "BENCHMARKS.md"
    result = run_bench(
        args.events,
        out,
        keep=args.keep,
        seed=args.seed,
        report=report,
        labeling_output=args.labeling_output,
        peer_events=args.peer_events,
    )
    return 0 if result.ok else 1


def _add_aws_flags(p: argparse.ArgumentParser) -> None:
    aws = p.add_argument_group("--source aws (credentials: the standard AWS chain; docs/aws.md)")
    aws.add_argument("--region", help="AWS region (default: the AWS profile's or AWS_REGION)")
    aws.add_argument("--workteam", action="append", help="only this work team (repeatable)")
    aws.add_argument("--job", action="append", help="only this labeling job (repeatable)")
    aws.add_argument("--resource", action="append", help="only this lake resource (repeatable)")
    aws.add_argument("--since", help="from this time: ISO-8601 or an age such as 7d")
    aws.add_argument("--until", help="up to this time: ISO-8601 or an age such as 1h")
    aws.add_argument(
        "--full-refresh", action="store_true", help="ignore watermarks and change checks"
    )
    aws.add_argument(
        "--identity",
        choices=["keep", "hash", "drop"],
        help="Cognito attributes other than sub (default: keep)",
    )
    aws.add_argument("--export-s3", help="s3://bucket/prefix with CreateExportTask output to read")


def build_parser() -> argparse.ArgumentParser:
    """The one parser of ``gtwh`` (``python -m extract.bench`` is ``gtwh bench``)."""
    parser = argparse.ArgumentParser(prog="gtwh", description=__doc__)
    parser.add_argument("--data-dir", help="data folder (default: $GTWH_DATA_DIR or ./data)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="write a seeded simulated operation as an AWS mirror")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--events", type=int, default=None, help="worker events (default: demo size)")
    p.add_argument("--log-format", choices=["mixed", "json", "export"], default="mixed")
    p.add_argument(
        "--no-anomalies", action="store_true", help="leave out the deliberately bad records"
    )
    p.set_defaults(func=cmd_simulate)

    for name, func, text in [
        ("extract", cmd_extract, "land a source into the Parquet lake"),
        ("etl", cmd_etl, "extract, validate and build the warehouse"),
    ]:
        p = sub.add_parser(name, help=text)
        p.add_argument("--source", default="simulator", help="simulator | mirror:<folder> | aws")
        if name == "etl":
            p.add_argument(
                "--target",
                choices=("duckdb", "spark"),
                default="duckdb",
                help="the engine dbt builds on: duckdb (default) or spark (docs/scale-out.md)",
            )
        _add_aws_flags(p)
        p.set_defaults(func=func)

    sub.add_parser("validate", help="run the Great Expectations suites on new data").set_defaults(
        func=cmd_validate
    )
    sub.add_parser("docs", help="build static dbt docs").set_defaults(func=cmd_docs)
    sub.add_parser(
        "publish",
        help="publish the build file as the warehouse readers open (after a dbt run by hand)",
    ).set_defaults(func=cmd_publish)
    p = sub.add_parser("sql", help="a read-only DuckDB shell on the published warehouse")
    p.add_argument("shell_args", nargs="*", help="passed to the duckdb shell (e.g. -c 'select 1')")
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser(
        "report", help="write the offline HTML operations report (reports/operations.html)"
    )
    p.add_argument("--warehouse", help="DuckDB file to read, read-only (default: $GTWH_WAREHOUSE)")
    p.add_argument("--out", help="HTML file to write (default: <data>/reports/operations.html)")
    p.add_argument(
        "--identity",
        choices=["alias", "keep"],
        default="alias",
        help="workers by a short alias of their Cognito sub (default) or their username",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("bench", help="benchmark the pipeline on N simulated events (BENCHMARKS.md)")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--out", help="work folder (default: <data>/bench); the simulation is reused")
    p.add_argument("--keep", action="store_true", help="keep the mirror, lakes and warehouses")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--report", help="Markdown file to update (default: BENCHMARKS.md)")
    p.add_argument(
        "--labeling-output",
        choices=["all", "scenario"],
        default="all",
        help="S3 labeling output of every job (default) or the scenario jobs only",
    )
    p.add_argument("--peer-events", type=int, default=1_000_000)
    p.set_defaults(func=cmd_bench)
    _add_bench_steps(p)
    return parser


def _add_bench_steps(bench: argparse.ArgumentParser) -> None:
    """The benchmark's child steps (extract/bench/steps.py), each run in its own process."""
    steps = bench.add_subparsers(dest="step", metavar="step", help="(internal) one child step")
    from extract.bench import STAGES  # stdlib only: cheap at parse time

    s = steps.add_parser("stage", help="one stage of gtwh etl; prints its result as JSON")
    s.add_argument("stage", choices=STAGES)
    s.add_argument("source", help="simulator | mirror:<folder> | aws")
    s = steps.add_parser("floor", help="DuckDB alone: raw event files -> typed Parquet")
    s.add_argument("files", help="JSON file listing the raw files: {pages: [...], exports: [...]}")
    s.add_argument("floor_out", metavar="out")
    s = steps.add_parser("peer", help="the blog approach (pandas) on the first N events")
    s.add_argument("mirror")
    s.add_argument("peer_out", metavar="out")
    s.add_argument("peer_count", metavar="events", type=int)
    s.add_argument("total", type=int)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
