"""Mart names follow the one convention README's layout section states: `dim_` for entities
(and their histories), `fct_` for events and priced lines, plain names for worker_identities
and the per-question aggregates (job_*, throughput_*, speed_flags_*). A `dim_` or `fct_` mart
declares its key as a dbt test, so the prefix says something checked about its rows."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
MARTS = PROJECT / "models" / "marts"
PLAIN = ("worker_identities", "job_", "throughput_", "speed_flags_")


def _declared() -> dict[str, dict]:
    models: dict[str, dict] = {}
    for path in MARTS.rglob("*.yml"):
        for model in yaml.safe_load(path.read_text())["models"]:
            models[model["name"]] = model
    return models


def _has_key_test(model: dict) -> bool:
    for column in model.get("columns", []):
        for test in column.get("data_tests") or []:
            if test == "unique" or (isinstance(test, dict) and "unique" in test):
                return True
    return any(
        isinstance(t, dict) and ("unique_combination" in t or "unique" in t)
        for t in model.get("data_tests") or []
    )


def test_every_mart_is_named_by_the_readme_rule():
    names = sorted(p.stem for p in MARTS.rglob("*.sql"))
    assert names
    wrong = [n for n in names if not re.match(r"(dim|fct)_[a-z_]+$", n) and not n.startswith(PLAIN)]
    assert wrong == []


def test_the_readme_states_the_rule_this_test_checks():
    layout = (PROJECT / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    flat = " ".join(layout.split())
    assert "dim_ entities" in flat and "fct_ events" in flat
    for family in PLAIN:
        assert family.rstrip("_") in flat, family


def test_dim_and_fct_marts_declare_their_key():
    declared = _declared()
    for path in MARTS.rglob("*.sql"):
        if path.stem.startswith(("dim_", "fct_")):
            assert path.stem in declared and _has_key_test(declared[path.stem]), path.stem
