"""Backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

A backup is one file. SQLite backups are a consistent copy taken while Tribune runs (WAL
mode); PostgreSQL backups use pg_dump's custom format (consistent snapshot, compressed).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any


class BackupError(RuntimeError):
    pass


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client).")
    return path


def backup(db: dict[str, Any], target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if db["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(db["NAME"])
        try:
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)
            dest.close()
        finally:
            source.close()
        return target
    if db["ENGINE"].endswith("postgresql"):
        result = subprocess.run(
            [
                _tool("pg_dump"),
                *_pg_args(db),
                "--format=custom",
                "--no-owner",
                "--file",
                str(target),
                str(db["NAME"]),
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target
    raise BackupError(f"Backups are not supported for {db['ENGINE']}.")


def restore(db: dict[str, Any], source: Path) -> None:
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    if db["ENGINE"].endswith("sqlite3"):
        check = sqlite3.connect(source)
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not a healthy SQLite database.")
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite backup: {exc}") from None
        finally:
            check.close()
        incoming = sqlite3.connect(source)
        try:
            dest = sqlite3.connect(db["NAME"])
            with dest:
                incoming.backup(dest)
            dest.close()
        finally:
            incoming.close()
        return
    if db["ENGINE"].endswith("postgresql"):
        result = subprocess.run(
            [
                _tool("pg_restore"),
                *_pg_args(db),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                str(db["NAME"]),
                str(source),
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    raise BackupError(f"Restores are not supported for {db['ENGINE']}.")
