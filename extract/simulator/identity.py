"""Who the workers are: Cognito ListUsers / ListUsersInGroup pages and DescribeWorkteam.

One team also names a second Cognito group, its contractors, which has been emptied (the
contract ended): its ListUsersInGroup answer is ``{"Users": []}``, one page without a token, as
Cognito answers for a group with no users. The warehouse must show that group with no members.
"""

from __future__ import annotations

import json
from pathlib import Path

from extract.simulator import account
from extract.simulator.seeding import opaque_token, rng_for
from extract.simulator.workforce import Workforce

USERS_PER_PAGE = 60


def emptied_group_team(wf: Workforce, seed: int) -> int:
    """The team whose second group (its contractors) was emptied."""
    return int(rng_for(seed, "emptied-group").integers(len(wf.teams)))


def emptied_group(team_name: str) -> str:
    return f"{team_name}-contractors"


def _user(wf: Workforce, u: int) -> dict:
    return {
        "Username": wf.usernames[u],
        "Attributes": [
            {"Name": "sub", "Value": wf.subs[u]},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "email", "Value": wf.emails[u]},
        ],
        "UserCreateDate": account.cli_time(int(wf.created_ms[u])),
        "UserLastModifiedDate": account.cli_time(int(wf.modified_ms[u])),
        "Enabled": bool(wf.enabled[u]),
        "UserStatus": wf.statuses[u],
    }


def _pages(
    folder: Path, users: list[int], wf: Workforce, token_key: str, seed: int, *names: object
) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    chunks = [users[i : i + USERS_PER_PAGE] for i in range(0, len(users), USERS_PER_PAGE)] or [[]]
    for p, chunk in enumerate(chunks):
        doc: dict = {"Users": [_user(wf, u) for u in chunk]}
        if p < len(chunks) - 1:
            doc[token_key] = opaque_token(seed, *names, p)
        (folder / f"page-{p + 1:04d}.json").write_text(json.dumps(doc, indent=4) + "\n")
    return len(chunks)


def write_cognito(out: Path, wf: Workforce, seed: int) -> None:
    root = out / "cognito-idp" / account.USER_POOL_ID
    # Cognito lists users in no documented order; ours is stable and looks arbitrary
    order = sorted(range(wf.size), key=lambda u: wf.subs[u])
    _pages(root / "list-users", order, wf, "PaginationToken", seed, "list-users")
    for team in wf.teams:
        members = [u for u in order if wf.membership[u, team.index]]
        _pages(root / "groups" / team.group, members, wf, "NextToken", seed, "group", team.group)
    emptied = wf.teams[emptied_group_team(wf, seed)]
    _pages(root / "groups" / emptied_group(emptied.name), [], wf, "NextToken", seed, "emptied")


def write_workteams(out: Path, wf: Workforce, seed: int) -> None:
    folder = out / "sagemaker" / "describe-workteam"
    folder.mkdir(parents=True, exist_ok=True)
    with_emptied = emptied_group_team(wf, seed)
    for team in wf.teams:
        groups = [team.group] + ([emptied_group(team.name)] if team.index == with_emptied else [])
        doc = {
            "Workteam": {
                "WorkteamName": team.name,
                "MemberDefinitions": [
                    {
                        "CognitoMemberDefinition": {
                            "UserPool": account.USER_POOL_ID,
                            "UserGroup": group,
                            "ClientId": wf.client_id,
                        }
                    }
                    for group in groups
                ],
                "WorkteamArn": team.arn,
                "WorkforceArn": account.WORKFORCE_ARN,
                "Description": team.description,
                "SubDomain": wf.subdomain,
                "CreateDate": account.cli_time(team.created_ms),
                "LastUpdatedDate": account.cli_time(team.updated_ms),
                "NotificationConfiguration": {},
            }
        }
        (folder / f"{team.name}.json").write_text(json.dumps(doc, indent=4) + "\n")
