"""Cognito group membership from ListUsersInGroup snapshots (issue 11, point 4).

An empty answer is an answer: a group whose members were all removed must have no members, and
the history must show who left when. Hand-built mirror files, three extractions of one group:

  run 1: page-0001 [A, B], page-0002 [C]
  run 2: page-0002 [D]            (page-0001 unchanged: the group is still A, B and now D)
  run 3: page-0001 [], no page-0002 (the group was emptied)
"""

from __future__ import annotations

import duckdb

from extract.pipeline import STAGING
from extract.sources.mirror import extract_mirror
from extract.transform import dbt
from tests.awsfiles import POOL, user, write_group, write_users, write_workteam
from tests.conftest import isolated_settings

GROUP = "team-a-group"
SUB = {w: f"{n:08d}-0000-4000-8000-0000000000a{n}" for n, w in enumerate("ABCD", start=1)}


def _run_times(settings) -> list:
    """Extraction time of each run that landed the group, from the lake's own lineage."""
    return [
        r[0]
        for r in duckdb.sql(
            "select distinct _gtwh_extracted_at from "
            f"read_parquet('{settings.lake_dir}/group_members/*.parquet') order by 1"
        ).fetchall()
    ]


def test_an_emptied_group_has_no_members_and_the_history_shows_who_left_when(tmp_path):
    settings = isolated_settings(tmp_path)
    mirror = tmp_path / "mirror"
    write_workteam(mirror)
    write_users(mirror, [user(s) for s in SUB.values()])
    write_group(mirror, GROUP, [user(SUB["A"]), user(SUB["B"])])
    write_group(mirror, GROUP, [user(SUB["C"])], page="page-0002.json")
    extract_mirror(settings, mirror)
    write_group(mirror, GROUP, [user(SUB["D"])], page="page-0002.json")
    second = extract_mirror(settings, mirror)
    write_group(mirror, GROUP, [])
    write_group(mirror, GROUP, None, page="page-0002.json")
    third = extract_mirror(settings, mirror)
    unchanged = extract_mirror(settings, mirror)
    # a changed page lands its whole group; the empty answer lands one placeholder row
    assert second.rows_by_resource()["group_members"] == 3
    assert third.rows_by_resource()["group_members"] == 1
    assert unchanged.rows_by_resource()["group_members"] == 0
    t1, t2, t3 = _run_times(settings)

    built = dbt(settings, "build", "--select", *STAGING, "dim_workers_group_history")
    assert built.success, built.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    members = con.execute(
        "select count(*) from stg_cognito__group_members where cognito_group_name = ?", [GROUP]
    ).fetchone()
    history = con.execute(
        "select cognito_sub, spell_number, joined_extracted_at, not_listed_extracted_at, left_extracted_at, is_current, "
        "is_in_first_snapshot from dim_workers_group_history where cognito_user_pool_id = ? "
        "and cognito_group_name = ? order by cognito_sub",
        [POOL, GROUP],
    ).fetchall()
    balance = con.execute(
        "select raw_records, staged_records, quarantined_records, placeholder_records, is_balanced "
        "from reconciliation where resource = 'group_members'"
    ).fetchone()
    con.close()

    assert members == (0,)
    assert history == [
        (SUB["A"], 1, t1, None, t3, False, True),
        (SUB["B"], 1, t1, None, t3, False, True),
        (SUB["C"], 1, t1, None, t2, False, True),  # dropped from page 2 in run 2
        (SUB["D"], 1, t2, t1, t3, False, False),
    ]
    # 3 + 3 members landed, then the empty answer: 6 staged, 1 placeholder
    assert balance == (7, 6, 0, 1, True)


def test_a_member_who_left_and_came_back_has_two_spells_and_is_current(tmp_path):
    settings = isolated_settings(tmp_path)
    mirror = tmp_path / "mirror"
    write_workteam(mirror)
    write_users(mirror, [user(SUB["A"])])
    for answer in ([SUB["A"]], [], [SUB["A"]]):
        write_group(mirror, GROUP, [user(s) for s in answer])
        extract_mirror(settings, mirror)
    t1, t2, t3 = _run_times(settings)
    built = dbt(settings, "build", "--select", *STAGING, "dim_workers_group_history")
    assert built.success, built.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    history = con.execute(
        "select spell_number, joined_extracted_at, left_extracted_at, is_current from dim_workers_group_history "
        "order by spell_number"
    ).fetchall()
    members = con.execute("select cognito_sub from stg_cognito__group_members").fetchall()
    con.close()
    assert history == [(1, t1, t2, False), (2, t3, None, True)]
    assert members == [(SUB["A"],)]
