"""Cognito users behind the work teams: ``ListUsers`` and ``ListUsersInGroup``, every page.

Both paginators run with ``PageSize`` 60, the most Cognito allows (moto accepts more; AWS
does not). ``ListUsers`` pages with ``PaginationToken`` and ``ListUsersInGroup`` with
``NextToken``; botocore's paginators know which.

- ``users``: a user lands when it is new or differs from its newest version in the lake
  (compared in the lake itself, so a crash can neither lose nor repeat a version);
- ``group_members``: a group lands as a whole snapshot, when its membership changed (staging
  reads the newest snapshot of each group). A group whose answer lists nobody lands one
  placeholder row (``user`` NULL, record index 0), as the mirror reader does: without it an
  emptied group would keep its last members forever.

Rows are ``json.dumps`` of the API's user dict with times as the CLI prints them, as the mirror
reader lands them, after the identity setting (:mod:`extract.sources.aws.identity`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from extract.runner import Page
from extract.sources.aws.context import AwsRun
from extract.sources.aws.identity import Identity
from extract.sources.aws.responses import cli_value, digest

PAGE_SIZE = 60  # Cognito's maximum Limit


def _sub(user: dict[str, Any]) -> str | None:
    for attribute in user.get("Attributes", []):
        if attribute.get("Name") == "sub":
            return attribute.get("Value")
    return None


def _latest_users(ctx: AwsRun, pool: str) -> dict[str, str]:
    """sub -> newest landed user JSON of the pool."""
    rows = ctx.lake_query(
        "users",
        'SELECT "user" FROM {lake} WHERE user_pool_id = ? '
        "ORDER BY _gtwh_extracted_at, _gtwh_source, _gtwh_record_index",
        [pool],
    )
    latest: dict[str, str] = {}
    for (text,) in rows:
        try:
            sub = _sub(json.loads(text))
        except (TypeError, ValueError):
            continue
        if sub:
            latest[sub] = text
    return latest


def extract_users(ctx: AwsRun, pools: list[str], identity: Identity) -> None:
    result = ctx.result("users", "Cognito ListUsers pages")
    ctx.land(result, _user_pages(ctx, pools, identity, result))


def _user_pages(ctx: AwsRun, pools: list[str], identity: Identity, result) -> Iterator[Page]:
    """One page per pool: its new and changed users (none: nothing to land)."""
    for pool in pools:
        with ctx.problems.guard("users", f"user pool {pool}"):
            latest = {} if ctx.options.full_refresh else _latest_users(ctx, pool)
            rows: list[dict[str, Any]] = []
            texts: list[str] = []
            pages = ctx.clients.paginate(
                "cognito-idp",
                "list_users",
                UserPoolId=pool,
                PaginationConfig={"PageSize": PAGE_SIZE},
            )
            for number, page in enumerate(pages, start=1):
                result.units_seen += 1
                source = f"aws:cognito-idp/{pool}/list-users/page-{number:04d}"
                for index, user in enumerate(page.get("Users", []), start=1):
                    text = json.dumps(identity.user(cli_value(user)))
                    texts.append(text)
                    if latest.get(_sub(user) or "") != text:
                        rows.append(
                            {
                                "user_pool_id": pool,
                                "user": text,
                                **ctx.run.lineage(source, index),
                            }
                        )
            if rows:
                key = f"aws:cognito-idp/{pool}/list-users"
                yield Page("users", rows, {key: ctx.unique(digest(*texts))})


def extract_group_members(ctx: AwsRun, pools: dict[str, set[str]], identity: Identity) -> None:
    result = ctx.result("group_members", "Cognito ListUsersInGroup pages")
    ctx.land(result, _group_pages(ctx, pools, identity, result))


def _group_pages(
    ctx: AwsRun, pools: dict[str, set[str]], identity: Identity, result
) -> Iterator[Page]:
    """One page per group whose membership changed: the whole group."""
    for pool in sorted(pools):
        for group in sorted(pools[pool]):
            with ctx.problems.guard("group_members", f"group {group} of user pool {pool}"):
                rows: list[dict[str, Any]] = []
                pages = ctx.clients.paginate(
                    "cognito-idp",
                    "list_users_in_group",
                    UserPoolId=pool,
                    GroupName=group,
                    PaginationConfig={"PageSize": PAGE_SIZE},
                )
                for number, page in enumerate(pages, start=1):
                    result.units_seen += 1
                    source = f"aws:cognito-idp/{pool}/groups/{group}/page-{number:04d}"
                    for index, user in enumerate(page.get("Users", []), start=1):
                        rows.append(
                            {
                                "user_pool_id": pool,
                                "group_name": group,
                                "user": json.dumps(identity.user(cli_value(user))),
                                **ctx.run.lineage(source, index),
                            }
                        )
                key = f"aws:cognito-idp/{pool}/groups/{group}"
                content = digest(*sorted(r["user"] for r in rows))
                if not rows:  # an empty answer is an answer: the group has no members now
                    rows.append(
                        {
                            "user_pool_id": pool,
                            "group_name": group,
                            "user": None,
                            **ctx.run.lineage(f"{key}/page-0001", 0),
                        }
                    )
                if ctx.landed_fingerprint("group_members", key) != content:
                    yield Page("group_members", rows, {key: ctx.unique(content)})
