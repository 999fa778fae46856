"""A dbt-duckdb plugin (profiles.yml ``plugins``) that lets a hand-run ``dbt run`` / ``dbt build``
publish its result: it registers the SQL function ``gtwh_publish(build, published)``, which the
project's ``on-run-end`` hook (macros/publish.sql) calls after a ``CHECKPOINT``. The copy and the
atomic rename are the pipeline's own (extract/publish.py); dbt's connection is the only writer of
the build file and is idle while the hook runs, so the checkpointed file is copied as is."""

from __future__ import annotations

from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin


def _publish(build: str, published: str) -> str:
    from extract.publish import swap_in

    done = swap_in(Path(build).resolve(), Path(published).resolve())
    return (
        f"published {done.path} ({done.bytes / 2**20:,.0f} MB in {done.seconds:.1f} s): "
        "`make sql` and new readers see this run"
    )


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        conn.create_function(
            "gtwh_publish", _publish, ["VARCHAR", "VARCHAR"], "VARCHAR", side_effects=True
        )
