"""Upgrade path: a database created by the previous release (commit 52715c6, its
migration leaves recorded in ``fixtures/release_52715c6.json``) with data in it is
migrated to the current head; every row is still there and readable (encrypted
secrets included), and new columns have their defaults. See docs/deploy.md."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from tests.processes import database_url, env

ROOT = Path(__file__).resolve().parents[2]
RELEASE = json.loads((Path(__file__).parent / "fixtures" / "release_52715c6.json").read_text())


def test_released_migrations_are_never_edited():
    """Editing a migration that shipped breaks every installation that already ran it."""
    changed = [
        path
        for path, digest in RELEASE["files"].items()
        if hashlib.sha256((ROOT / path).read_bytes()).hexdigest() != digest
    ]
    assert changed == [], "add a new migration instead of editing a released one"


def test_upgrade_from_the_previous_release_keeps_every_row(transactional_db, tmp_path):
    """In a fresh process on an empty database of the same vendor as the tests."""
    url = database_url()
    created = None
    if connection.vendor == "postgresql":
        created = f"tribune_upgrade_{os.getpid()}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created}"')
            cursor.execute(f'CREATE DATABASE "{created}"')
        url = url.rsplit("/", 1)[0] + "/" + created
    else:
        url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).parent / "upgrade_script.py")],
            env=env(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="tribune.settings"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        if created:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["pending_before"] > 0, "nothing to migrate: is the fixture older than the code?"
    assert found == {
        "pending_before": found["pending_before"],
        "token": "old-secret-token",  # encrypted at rest, still readable
        "variants": ["published", "scheduled"],
        "posts": 2,
        "mentions": 1,
        "alert": "raised",
        "message": "Bonjour",
        "require_2fa": False,  # a column added after the release, with its default
        "left": 0,
    }
