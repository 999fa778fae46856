"""The GX-on-DuckDB workaround (expectations/runtime.py) works with the pinned GX: failing
expectations are detected with the right counts and sample rows, passing ones pass, nothing is
read outside the batch, and the warehouse is released afterwards. If a GX upgrade breaks the
private name the workaround uses, these tests fail instead of every check going quiet."""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pytest

from expectations import runtime


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine") / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "create table t as select i as id, case when i % 100 = 0 then 'X' else 'A' end as kind, "
        "i % 3 = 0 as flag, case when i < 5000 then 'old' else 'new' end as run "
        "from range(10000) r(i)"
    )
    con.close()
    return path


def _validate(warehouse: Path, expectations: list, *, result_format: dict, query: str):
    ctx = runtime.context()
    with runtime.warehouse_source(ctx, warehouse) as source:
        batch = (
            source.add_query_asset("t", query=query)
            .add_batch_definition_whole_table("b")
            .get_batch()
        )
        suite = gx.ExpectationSuite(name="s", expectations=expectations)
        return batch.validate(suite, result_format=result_format).results


def test_the_workaround_is_in_place_for_the_pinned_gx():
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    runtime.persist_duckdb_connections()
    runtime.persist_duckdb_connections()  # idempotent
    assert "duckdb" in engine._PERSISTED_CONNECTION_DIALECTS
    assert engine._dialect_requires_persisted_connection(connection_string="duckdb:///x.duckdb")
    assert sum(d == "duckdb" for d in engine._PERSISTED_CONNECTION_DIALECTS) == 1


def test_failing_and_passing_expectations_are_told_apart_through_the_workaround(warehouse):
    results = _validate(
        warehouse,
        [
            gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["A"]),  # 50 'X' among new
            gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["A", "X"]),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="id", column_B="id", or_equal=True
            ),
            gxe.ExpectColumnValuesToBeBetween(column="id", min_value=0, max_value=9000),
        ],
        result_format={
            "result_format": "SUMMARY",
            "partial_unexpected_count": 3,
            "unexpected_index_column_names": ["id"],
        },
        query="select * from t where run = 'new'",
    )
    got = [
        (r.success, r.result.get("unexpected_count"), r.result.get("element_count"))
        for r in results
    ]
    assert got == [(False, 50, 5000), (True, 0, 5000), (True, 0, 5000), (False, 999, 5000)]
    assert not any(
        r.exception_info.get("raised_exception")
        for r in results
        if "raised_exception" in r.exception_info
    )
    sample = results[0].result["partial_unexpected_index_list"]
    assert [row["id"] for row in sample] == [5000, 5100, 5200]
    assert all(row["kind"] == "X" for row in sample)


def test_sql_expectations_return_their_failing_rows(warehouse):
    (result,) = _validate(
        warehouse,
        [
            gxe.UnexpectedRowsExpectation(
                unexpected_rows_query="select id from {batch} where kind = 'X'"
            )
        ],
        result_format={"result_format": "COMPLETE"},
        query="select * from t where run = 'new'",
    )
    assert not result.success
    assert result.result["observed_value"] == 50
    assert result.result["details"]["unexpected_rows"][0] == {"id": 5000}


def test_the_warehouse_is_released_for_writers_afterwards(warehouse):
    _validate(
        warehouse,
        [gxe.ExpectColumnToExist(column="id")],
        result_format={"result_format": "BASIC"},
        query="select * from t",
    )
    con = duckdb.connect(str(warehouse))  # read-write in the same process: no lock left behind
    con.execute("create or replace table touched as select 1 as x")
    con.close()


def test_without_the_workaround_gx_cannot_read_duckdb_results(warehouse, monkeypatch):
    """Documents why the workaround exists. If this starts failing, GX fixed the bug upstream
    and expectations/runtime.py can be simplified."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    monkeypatch.setattr(runtime, "persist_duckdb_connections", lambda: None)
    monkeypatch.setattr(
        engine,
        "_PERSISTED_CONNECTION_DIALECTS",
        tuple(d for d in engine._PERSISTED_CONNECTION_DIALECTS if d != "duckdb"),
    )
    (result,) = _validate(
        warehouse,
        [gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["A"])],
        result_format={"result_format": "SUMMARY"},
        query="select * from t",
    )
    assert result.result.get("unexpected_count") is None  # nothing computed


def test_every_check_and_quarantine_reason_is_documented():
    import yaml

    from expectations.suites import SUITES

    root = Path(__file__).resolve().parent.parent
    doc = (root / "docs" / "data-quality.md").read_text()
    sections = doc.split("\n### ")
    for make in SUITES:
        suite = make()
        text = next(s for s in sections[1:] if suite.name in s.split("\n")[0])
        for rule in suite.rules:
            assert f"`{rule.name}`" in text, (
                f"{suite.name}.{rule.name} is not in docs/data-quality.md"
            )
    reasons = {"unreadable_file"}
    for path in (root / "models" / "staging").rglob("_*__models.yml"):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            for column in model.get("columns", []):
                if column["name"] == "quarantine_reason":
                    for test in column.get("data_tests", []):
                        if isinstance(test, dict) and "accepted_values" in test:
                            reasons |= set(test["accepted_values"]["arguments"]["values"])
    assert len(reasons) > 10
    for reason in reasons:
        assert f"`{reason}`" in doc, f"quarantine reason {reason} is not in docs/data-quality.md"


@pytest.mark.parametrize(
    ("error_above", "failing", "applicable", "expected"),
    [
        (0.01, 0, 100, None),
        (0.01, 3, 400, "warning"),  # a stray record or three among many
        (0.01, 5, 400, "error"),  # 1.25% and five records: more than strays
        (0.01, 20, 120, "error"),  # the flood of unparsable times
        (0.01, 1, 8, "warning"),  # one odd record in a small incremental run
        (0.01, 4, 8, "error"),  # half a small run: a format change
        (0.0, 1, 10_000, "error"),  # checks that are errors on any record
        (None, 10_000, 10_000, "warning"),  # warning-only checks
    ],
)
def test_severity_follows_the_share_and_number_of_failing_records(
    error_above, failing, applicable, expected
):
    from expectations.suites import Rule

    rule = Rule(
        "r",
        gxe.ExpectColumnValuesToBeInSet(column="c", value_set=[True]),
        "why",
        "kept",
        error_above=error_above,
    )
    assert rule.classify(failing, applicable) == expected
