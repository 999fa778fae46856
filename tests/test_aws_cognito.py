"""Cognito behind the work teams (moto; SageMaker stubbed): every page, changes only, identity."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from botocore.stub import Stubber

from extract.sources.aws import extract_aws
from extract.sources.mirror import extract_mirror
from tests.awsfiles import write_group
from tests.conftest import isolated_settings
from tests.test_aws_support import (
    ACCOUNT,
    REGION,
    clients,
    count_calls,
    inject_errors,
    lake_rows,
    moto_account,
    options,
)

GROUP = "team-a-group"


@pytest.fixture
def aws(monkeypatch):
    with moto_account(monkeypatch) as session:
        cognito = session.client("cognito-idp", region_name=REGION)
        pool = cognito.create_user_pool(PoolName="workers")["UserPool"]["Id"]
        cognito.create_group(GroupName=GROUP, UserPoolId=pool)
        for i in range(130):
            cognito.admin_create_user(
                UserPoolId=pool,
                Username=f"worker{i:03d}@example.com",
                MessageAction="SUPPRESS",
                UserAttributes=[
                    {"Name": "email", "Value": f"worker{i:03d}@example.com"},
                    {"Name": "name", "Value": f"Worker {i}"},
                ],
            )
            if i % 13 < 7:  # 70 of them in the team's group
                cognito.admin_add_user_to_group(
                    UserPoolId=pool, Username=f"worker{i:03d}@example.com", GroupName=GROUP
                )
        yield session, pool


def _run(session, pool, settings, **kwargs):
    """One extraction of users and groups; SageMaker answers with one work team on ``pool``."""
    c = clients(session)
    team = {
        "WorkteamName": "team-a",
        "MemberDefinitions": [
            {
                "CognitoMemberDefinition": {
                    "UserPool": pool,
                    "UserGroup": GROUP,
                    "ClientId": "7cujg3m8o3sh6cqg39lcbc1ool",
                }
            }
        ],
        "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/team-a",
        "Description": "Bird annotators",
    }
    stub = Stubber(c.client("sagemaker"))
    stub.add_response("list_workteams", {"Workteams": [team]}, {})
    stub.add_response("describe_workteam", {"Workteam": team}, {"WorkteamName": "team-a"})
    stub.activate()
    calls = {
        op: count_calls(c.client("cognito-idp"), op) for op in ("ListUsers", "ListUsersInGroup")
    }
    report = extract_aws(
        settings, options=options(resources=("users", "group_members"), **kwargs), clients=c
    )
    stub.assert_no_pending_responses()
    return report, calls, c


def _users(settings, resource="users"):
    return [json.loads(r[0]) for r in lake_rows(settings.lake_dir, resource, '"user"')]


def test_every_user_and_member_is_read_in_pages_of_at_most_60(aws, settings):
    session, pool = aws
    report, calls, _ = _run(session, pool, settings)
    assert report.problems == []
    assert [c["Limit"] for c in calls["ListUsers"]] == [60, 60, 60]
    assert [bool(c.get("PaginationToken")) for c in calls["ListUsers"]] == [False, True, True]
    assert [c["Limit"] for c in calls["ListUsersInGroup"]] == [60, 60]
    assert [bool(c.get("NextToken")) for c in calls["ListUsersInGroup"]] == [False, True]
    users = _users(settings)
    assert len(users) == 130 and len({u["Username"] for u in users}) == 130
    members = lake_rows(settings.lake_dir, "group_members", "user_pool_id, group_name")
    assert members == [(pool, GROUP)] * 70
    one = users[0]
    assert [a["Name"] for a in one["Attributes"]].count("sub") == 1
    assert datetime.fromisoformat(one["UserCreateDate"]).utcoffset() is not None
    sources = {r[0] for r in lake_rows(settings.lake_dir, "users", "_gtwh_source")}
    assert sources == {f"aws:cognito-idp/{pool}/list-users/page-{n:04d}" for n in (1, 2, 3)}


def test_a_second_run_lands_only_changed_users_and_changed_groups(aws, settings):
    session, pool = aws
    _run(session, pool, settings)
    unchanged, calls, _ = _run(session, pool, settings)
    assert len(calls["ListUsers"]) == 3  # Cognito has no change feed: every page is read ...
    assert unchanged.rows_by_resource() == {"users": 0, "group_members": 0}  # ... none lands
    cognito = session.client("cognito-idp", region_name=REGION)
    cognito.admin_update_user_attributes(  # worker007 is not in the group (7 % 13 == 7)
        UserPoolId=pool,
        Username="worker007@example.com",
        UserAttributes=[{"Name": "name", "Value": "Renamed"}],
    )
    changed, _, _ = _run(session, pool, settings)
    assert changed.rows_by_resource() == {"users": 1, "group_members": 0}
    cognito.admin_add_user_to_group(
        UserPoolId=pool, Username="worker007@example.com", GroupName=GROUP
    )
    joined, _, _ = _run(session, pool, settings)
    assert joined.rows_by_resource() == {"users": 0, "group_members": 71}  # a new snapshot
    assert len(_users(settings)) == 131


@pytest.mark.parametrize("mode", ["hash", "drop"])
def test_identity_settings_keep_only_the_sub_in_clear(aws, settings, monkeypatch, mode):
    session, pool = aws
    monkeypatch.setenv("GTWH_IDENTITY_KEY", "a-secret-kept-outside-the-lake")
    _run(session, pool, settings, identity=mode)
    cognito = session.client("cognito-idp", region_name=REGION)
    subs = {
        a["Value"]
        for u in cognito.get_paginator("list_users").paginate(UserPoolId=pool)
        for user in u["Users"]
        for a in user["Attributes"]
        if a["Name"] == "sub"
    }
    for resource in ("users", "group_members"):
        for user in _users(settings, resource):
            text = json.dumps(user)
            assert "example.com" not in text and "Worker" not in text
            attributes = {a["Name"]: a["Value"] for a in user["Attributes"]}
            assert attributes["sub"] in subs
            if mode == "drop":
                assert set(attributes) == {"sub"} and "Username" not in user
            else:
                assert attributes["email"].startswith("hmac-sha256:")
                assert user["Username"].startswith("hmac-sha256:")


def test_access_denied_on_list_users_names_the_permission_and_the_rest_lands(aws, settings):
    session, pool = aws
    c = clients(session)
    inject_errors(
        c.client("cognito-idp"),
        "ListUsers",
        "AccessDeniedException",
        times=1,
        text=f"User: arn:aws:iam::{ACCOUNT}:user/reader is not authorized to perform: "
        "cognito-idp:ListUsers",
    )
    team = {
        "WorkteamName": "team-a",
        "Description": "d",
        "MemberDefinitions": [
            {
                "CognitoMemberDefinition": {
                    "UserPool": pool,
                    "UserGroup": GROUP,
                    "ClientId": "7cujg3m8o3sh6cqg39lcbc1ool",
                }
            }
        ],
        "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/team-a",
    }
    with Stubber(c.client("sagemaker")) as stub:
        stub.add_response("list_workteams", {"Workteams": [team]}, {})
        stub.add_response("describe_workteam", {"Workteam": team}, {"WorkteamName": "team-a"})
        report = extract_aws(
            settings, options=options(resources=("users", "group_members")), clients=c
        )
    [problem] = report.problems
    assert (problem.kind, problem.operation, problem.permission, problem.resource) == (
        "access_denied",
        "ListUsers",
        "cognito-idp:ListUsers",
        "users",
    )
    assert problem.describe().startswith(
        f"ListUsers on user pool {pool} was denied (AccessDeniedException): "
        "the credentials need cognito-idp:ListUsers."
    )
    assert report.rows_by_resource() == {"users": 0, "group_members": 70}


def test_an_emptied_group_lands_its_empty_answer_as_the_mirror_does(aws, settings, tmp_path):
    """ListUsersInGroup with no users is an answer: it lands one placeholder row (user NULL),
    once, and the mirror path lands the same row for the same answer."""
    session, pool = aws
    _run(session, pool, settings)
    cognito = session.client("cognito-idp", region_name=REGION)
    for page in cognito.get_paginator("list_users_in_group").paginate(
        UserPoolId=pool, GroupName=GROUP
    ):
        for member in page["Users"]:
            cognito.admin_remove_user_from_group(
                UserPoolId=pool, Username=member["Username"], GroupName=GROUP
            )
    emptied, calls, _ = _run(session, pool, settings)
    assert len(calls["ListUsersInGroup"]) == 1
    assert emptied.rows_by_resource() == {"users": 0, "group_members": 1}
    again, _, _ = _run(session, pool, settings)
    assert again.rows_by_resource() == {"users": 0, "group_members": 0}
    placeholder = lake_rows(
        settings.lake_dir,
        "group_members",
        'user_pool_id, group_name, "user", _gtwh_record_index',
        '"user" is null',
    )
    assert placeholder == [(pool, GROUP, None, 0)]

    mirror = tmp_path / "mirror"
    write_group(mirror, GROUP, [], pool=pool)
    from_mirror = isolated_settings(tmp_path / "from-mirror")
    extract_mirror(from_mirror, mirror)
    assert (
        lake_rows(
            from_mirror.lake_dir,
            "group_members",
            'user_pool_id, group_name, "user", _gtwh_record_index',
        )
        == placeholder
    )
