"""Cognito ListUsers and ListUsersInGroup responses: one raw JSON row per user entry."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from extract.lake import arrow_rows
from extract.runner import Run, SourceFile
from extract.sources.mirror.files import find


def _users(path: Path) -> list[dict]:
    page = json.loads(path.read_text())
    if not isinstance(page, dict) or not isinstance(page.get("Users"), list):
        raise KeyError(f"{path.name}: not a Cognito response (no 'Users' list)")
    return page["Users"]


class UsersReader:
    resource = "users"
    label = "Cognito ListUsers pages"

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror

    def discover(self) -> list[SourceFile]:
        return [
            f for f in find(self.mirror, self.mirror / "cognito-idp", "*.json")
            if f.key.split("/")[2] == "list-users"
        ]

    def rows(self, files: list[SourceFile], run: Run) -> pa.Table:
        out = []
        for f in files:
            pool = f.key.split("/")[1]
            for i, user in enumerate(_users(f.path), start=1):
                out.append({"user_pool_id": pool, "user": json.dumps(user), **run.lineage(f.key, i)})
        return arrow_rows(self.resource, out)


class GroupMembersReader:
    resource = "group_members"
    label = "Cognito ListUsersInGroup pages"

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror

    def discover(self) -> list[SourceFile]:
        return [
            f for f in find(self.mirror, self.mirror / "cognito-idp", "*.json")
            if f.key.split("/")[2] == "groups" and len(f.key.split("/")) == 5
        ]

    def rows(self, files: list[SourceFile], run: Run) -> pa.Table:
        out = []
        for f in files:
            _, pool, _, group, _ = f.key.split("/")
            for i, user in enumerate(_users(f.path), start=1):
                out.append(
                    {"user_pool_id": pool, "group_name": group, "user": json.dumps(user),
                     **run.lineage(f.key, i)}
                )
        return arrow_rows(self.resource, out)
