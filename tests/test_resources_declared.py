"""Each resource is declared once (extract/resources.py); every list of resources elsewhere, in
Python, SQL or YAML, is derived from that declaration or checked against it here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from expectations.suites import SUITES
from extract.resources import RESOURCES
from extract.sources.aws.options import AWS_RESOURCES
from extract.sources.mirror import absent_folders, readers

PROJECT = Path(__file__).resolve().parent.parent
FROM_AWS = {name for name, r in RESOURCES.items() if r.from_aws}


def _sql(path: str) -> str:
    return (PROJECT / path).read_text()


def test_the_mirror_has_a_reader_for_every_resource_and_only_those(tmp_path):
    assert {r.resource for r in readers(tmp_path)} == FROM_AWS
    folders = {r.mirror_folder for r in RESOURCES.values() if r.from_aws}
    assert set(absent_folders(tmp_path)) == folders


def test_the_aws_options_know_every_resource():
    assert set(AWS_RESOURCES) == FROM_AWS


def test_every_resource_has_its_dbt_source_under_its_group():
    declared: set[tuple[str, str]] = set()
    for path in (PROJECT / "models").rglob("*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            declared |= {(source["name"], t["name"]) for t in source["tables"]}
    assert declared == {(r.source, r.name) for r in RESOURCES.values()}


def test_every_resource_has_its_staging_model_and_checks_view():
    models = {p.stem for p in (PROJECT / "models").rglob("*.sql")}
    for r in RESOURCES.values():
        if r.from_aws:
            assert r.staging_model in models and r.checks_view in models, r.name


def test_every_resource_has_its_suite_reading_its_checks_view():
    suites = {s.name: s.dataset for s in (make() for make in SUITES)}
    assert suites == {r.suite: r.checks_view for r in RESOURCES.values() if r.from_aws}


def test_the_reconciliation_counts_every_resource_from_its_source():
    sql = _sql("models/quality/checks/reconciliation_runs.sql")
    lake = sql[sql.index("{%- set lake = [") : sql.index("] -%}")]
    listed = set(re.findall(r"\('(\w+)', '(\w+)'\)", lake))
    assert listed == {(r.name, r.source) for r in RESOURCES.values() if r.from_aws}
    assert "ref('reconciliation_staged')" in sql
    quoted = set(re.findall(r"'(\w+)'", _sql("models/quality/checks/reconciliation_staged.sql")))
    staged = {n for n in quoted if not n.startswith(("base_", "stg_", "checks_"))}
    assert staged == FROM_AWS


def test_the_quarantine_names_only_declared_resources():
    named = set(re.findall(r"'(\w+)' as resource", _sql("models/quality/quarantine.sql")))
    assert named and named <= FROM_AWS


def test_every_declared_cursor_is_the_one_an_aws_reader_keeps():
    """Each resource's ``cursors`` name ledger entries its AWS reader writes (the AWS lake test
    checks the keys a run leaves); a cursor no module uses, or an undeclared one, fails."""
    code = "\n".join(p.read_text() for p in (PROJECT / "extract/sources/aws").glob("*.py"))
    used = set(re.findall(r'"(aws:[a-z_]+)"', code)) - {"aws:"}
    declared = {c for r in RESOURCES.values() for c in r.cursors}
    assert declared == used
    with pytest.raises(KeyError):
        RESOURCES["users"].cursor_key("aws:labeling_jobs", "eu-west-1")


def test_the_spark_registration_declares_every_resource_with_its_columns():
    """macros/spark.sql registers each lake folder as a Spark table with the columns
    extract/resources.py declares (Spark cannot read an empty folder's schema file)."""
    import ast

    sql = _sql("macros/spark.sql")
    body = sql[sql.index("{% macro lake_columns()") :]
    body = body[body.index("return(") + len("return(") : body.index(") }}")]
    declared = ast.literal_eval(body)
    assert declared == {name: r.all_columns for name, r in RESOURCES.items()}
    named = {"VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "BOOLEAN", "TIMESTAMP", "DATE"}
    for r in RESOURCES.values():
        for t in r.all_columns.values():
            base = t.removesuffix("[]")
            fields = (
                re.findall(r"\w+ ([A-Z ]+?)(?:,|\))", base)
                if base.startswith("STRUCT(")
                else [base]
            )
            assert set(fields) <= named | {"TIMESTAMP WITH TIME ZONE"}, (r.name, t)
