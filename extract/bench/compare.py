"""Is the incrementally maintained warehouse the same as one rebuilt from scratch?

Every table is compared as a multiset of rows, lineage of the extraction run left out
(``extract_run_id``, ``extracted_at`` and columns derived from them, such as
``first_extracted_at``). A first pass compares an order-independent fingerprint
per table (row count and a sum of row hashes, doubles written with 12 significant digits). When
a fingerprint differs, the table is compared again row by row: the non-double columns must match
exactly and doubles to 1e-9 relative, since a parallel sum may add the same numbers in another
order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

LINEAGE = ("extract_run_id", "extracted_at")  # and columns named *_extract_run_id, *_extracted_at
FLOATS = {"DOUBLE", "FLOAT", "REAL"}


@dataclass
class Comparison:
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (rows a, rows b)
    differences: dict[str, str] = field(default_factory=dict)

    @property
    def equal(self) -> bool:
        return not self.differences


def _tables(con: duckdb.DuckDBPyConnection, db: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main' "
            "and not temporary order by 1",
            [db],
        ).fetchall()
    ]


def _columns(con, db: str, table: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in con.execute(
            "select column_name, data_type from duckdb_columns() where database_name = ? "
            "and schema_name = 'main' and table_name = ? order by column_index",
            [db, table],
        ).fetchall()
        if not r[0].endswith(LINEAGE)
    ]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fingerprint(con, db: str, table: str, cols: list[tuple[str, str]]) -> tuple[int, int]:
    exprs = [f"printf('%.12g', {_q(c)})" if t in FLOATS else _q(c) for c, t in cols]
    row = f"hash({', '.join(exprs)})" if exprs else "0"
    n, h = con.execute(
        f"select count(*), coalesce(sum({row}::hugeint) % 18446744073709551557, 0) "
        f"from {db}.main.{_q(table)}"
    ).fetchone()
    return int(n), int(h)


def _row_diff(con, table: str, cols: list[tuple[str, str]]) -> int:
    """Rows of ``a`` with no counterpart in ``b`` (and the reverse), doubles within 1e-9."""
    exact = [c for c, t in cols if t not in FLOATS]
    floats = [c for c, t in cols if t in FLOATS]
    key = ", ".join(_q(c) for c in exact) or "1"
    order = ", ".join(_q(c) for c in floats) or "1"
    ranked = (
        f"select *, row_number() over (partition by {key} order by {order}) as _n "
        f"from {{db}}.main.{_q(table)}"
    )
    on = " and ".join(
        [f"a.{_q(c)} is not distinct from b.{_q(c)}" for c in exact] + ["a._n = b._n"]
    )
    close = (
        " and ".join(
            f"(a.{_q(c)} is not distinct from b.{_q(c)} or abs(a.{_q(c)} - b.{_q(c)}) "
            f"<= 1e-9 * greatest(abs(a.{_q(c)}), abs(b.{_q(c)}), 1))"
            for c in floats
        )
        or "true"
    )
    sql = (
        f"select count(*) from ({ranked.format(db='a')}) a full join "
        f"({ranked.format(db='b')}) b on {on} where a._n is null or b._n is null or not ({close})"
    )
    return con.execute(sql).fetchone()[0]


def compare_warehouses(a: Path, b: Path, *, memory_limit: str = "1GB") -> Comparison:
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": False})
    try:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        out = Comparison()
        names_a, names_b = _tables(con, "a"), _tables(con, "b")
        for name in sorted(set(names_a) ^ set(names_b)):
            out.differences[name] = "only in " + ("the first" if name in names_a else "the second")
        for name in sorted(set(names_a) & set(names_b)):
            cols_a, cols_b = _columns(con, "a", name), _columns(con, "b", name)
            if cols_a != cols_b:
                out.differences[name] = "different columns"
                continue
            fa, fb = _fingerprint(con, "a", name, cols_a), _fingerprint(con, "b", name, cols_b)
            out.tables[name] = (fa[0], fb[0])
            if fa == fb:
                continue
            if fa[0] != fb[0]:
                out.differences[name] = f"{fa[0]:,} rows vs {fb[0]:,}"
                continue
            unmatched = _row_diff(con, name, cols_a)
            if unmatched:
                out.differences[name] = f"{unmatched:,} rows differ"
        return out
    finally:
        con.close()
