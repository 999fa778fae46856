"""Warehouse before == after: one row count and order-free hash per table.

Lineage columns (names ending in extracted_at, run_id, run_ids, and the checks' record_key,
a hash of the run id) are left out, so two
builds from the same mirror compare equal. Usage (issue 13's "documented command"):

    .venv/bin/python tests/warehouse_hashes.py data/warehouse.duckdb /tmp/before.json
    # change models, rm -rf data/warehouse.duckdb data/state && make etl
    .venv/bin/python tests/warehouse_hashes.py data/warehouse.duckdb /tmp/after.json
    cmp /tmp/before.json /tmp/after.json
"""

import json
import sys

import duckdb

LINEAGE_SUFFIXES = ("extracted_at", "run_id", "run_ids")
# main_checks.checks_* carry record_key = hash(extract_run_id, ...): lineage too.
LINEAGE_COLUMNS = ("record_key",)


def table_hashes(path: str) -> dict[str, list]:
    con = duckdb.connect(path, read_only=True)
    out: dict[str, list] = {}
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables order by 1, 2"
    ).fetchall()
    for schema, name in tables:
        cols = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns"
                " where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
            if not c.endswith(LINEAGE_SUFFIXES) and c not in LINEAGE_COLUMNS
        ]
        sel = ", ".join(f'"{c}"' for c in cols)
        count, digest = con.execute(
            f"select count(*), coalesce(sum(hash(row({sel}))::hugeint), 0)::varchar"
            f' from "{schema}"."{name}"'
        ).fetchone()
        out[f"{schema}.{name}"] = [count, digest]
    return out


if __name__ == "__main__":
    hashes = table_hashes(sys.argv[1])
    with open(sys.argv[2], "w") as f:
        json.dump(hashes, f, indent=1, sort_keys=True)
    print(len(hashes), "tables")
