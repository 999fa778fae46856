"""Cognito ListUsers and ListUsersInGroup responses: one raw JSON row per user entry (and one
placeholder row for a group whose answer lists nobody)."""

from __future__ import annotations

import hashlib
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
            f
            for f in find(self.mirror, self.mirror / "cognito-idp", "*.json")
            if f.key.split("/")[2] == "list-users"
        ]

    def rows(self, files: list[SourceFile], run: Run) -> pa.Table:
        out = []
        for f in files:
            pool = f.key.split("/")[1]
            for i, user in enumerate(_users(f.path), start=1):
                out.append(
                    {"user_pool_id": pool, "user": json.dumps(user), **run.lineage(f.key, i)}
                )
        return arrow_rows(self.resource, out)


class GroupMembersReader:
    """One unit per group folder: its page files land together, as one snapshot of the group.

    A ``ListUsersInGroup`` answer is all of its pages, so a changed page re-lands the whole
    group (staging reads the newest snapshot of each group; a snapshot of one page would drop
    the members on the others). An answer with no users at all lands one placeholder row
    (``user`` NULL, record index 0): the group was read and was empty, which staging must see
    to empty the membership (an empty answer is an answer).
    """

    resource = "group_members"
    label = "Cognito ListUsersInGroup pages"

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror
        self.pages: dict[str, list[SourceFile]] = {}

    def discover(self) -> list[SourceFile]:
        self.pages = {}
        for f in find(self.mirror, self.mirror / "cognito-idp", "*.json"):
            parts = f.key.split("/")
            if parts[2] == "groups" and len(parts) == 5:
                self.pages.setdefault(f.key.rsplit("/", 1)[0], []).append(f)
        units = []
        for key, pages in sorted(self.pages.items()):
            fingerprint = hashlib.sha256(
                "\n".join(f"{p.key}={p.fingerprint}" for p in pages).encode()
            ).hexdigest()[:24]
            units.append(
                SourceFile(key, pages[0].path.parent, sum(p.size for p in pages), fingerprint)
            )
        return units

    def rows(self, files: list[SourceFile], run: Run) -> pa.Table:
        out = []
        for unit in files:
            _, pool, _, group = unit.key.split("/")
            pages = self.pages[unit.key]
            before = len(out)
            for page in pages:
                for i, user in enumerate(_users(page.path), start=1):
                    out.append(
                        {
                            "user_pool_id": pool,
                            "group_name": group,
                            "user": json.dumps(user),
                            **run.lineage(page.key, i),
                        }
                    )
            if len(out) == before:
                out.append(
                    {
                        "user_pool_id": pool,
                        "group_name": group,
                        "user": None,
                        **run.lineage(pages[0].key, 0),
                    }
                )
        return arrow_rows(self.resource, out)
