"""A dbt-duckdb plugin (profiles.yml ``plugins``) that lets a hand-run ``dbt run`` / ``dbt build``
publish its result: it registers the SQL function ``gtwh_publish(build, published)``, which the
project's ``on-run-end`` hook (macros/publish.sql) calls after a ``CHECKPOINT``. The copy and the
atomic rename are the pipeline's own (extract/publish.py); dbt's connection is the only writer of
the build file and is idle while the hook runs, so the checkpointed file is copied as is.

Before dbt opens the build file the plugin also creates its folder (``data/build/`` does not exist
in a fresh clone) and, when another process holds the file for writing (``make etl`` running, a
second ``dbt run``, a DuckDB shell without ``-readonly``), stops dbt with the pipeline's
one-sentence lock message instead of DuckDB's traceback."""

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


class BuildFileLocked(RuntimeError):
    """Raised before dbt connects: the build file is held by another writer."""


def _check_build_file(path: str, config: dict) -> None:
    """Create the build file's folder and fail early, in one sentence, when another process holds
    the file's write lock. The probe connection is closed at once; dbt opens the file next."""
    if path in ("", ":memory:") or path.startswith(("md:", "motherduck:")):
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    import duckdb

    from extract.publish import lock_message

    try:
        duckdb.connect(path, read_only=False, config=config).close()
    except duckdb.Error as error:
        message = lock_message(error)
        if message is None:
            raise
        raise BuildFileLocked(message) from None


class Plugin(BasePlugin):
    def update_connection_config(self, creds, config: dict) -> None:
        _check_build_file(creds.path, dict(config))

    def configure_connection(self, conn) -> None:
        conn.create_function(
            "gtwh_publish", _publish, ["VARCHAR", "VARCHAR"], "VARCHAR", side_effects=True
        )
