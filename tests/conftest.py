"""Shared fixtures: a workspace with two brands, a foreign workspace, and people with
every role, plus an outsider. Tests run on SQLite and on PostgreSQL (see Makefile)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.db import connection

from tribune.accounts.models import Brand, User, Workspace
from tribune.accounts.services import do_create_brand, do_create_workspace, do_grant_brand_role

ROLES = ["strategist", "community_manager", "client_reviewer", "analyst"]
PASSWORD = "correct horse battery staple"


def pytest_report_header(config):  # type: ignore[no-untyped-def]
    url = os.environ.get("DATABASE_URL", "sqlite (default)")
    return f"tribune database: {url.split('@')[-1]}"


@dataclass
class Tenants:
    owner: User
    workspace: Workspace
    brand_a: Brand
    brand_b: Brand  # same workspace (another client of the agency)
    other_workspace: Workspace
    brand_c: Brand  # another workspace altogether
    people: dict[str, User]  # role -> user with that role on brand_a only
    outsider: User


def make_user(email: str, **extra) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user(email, PASSWORD, **extra)


@pytest.fixture
def tenants(db) -> Tenants:  # type: ignore[no-untyped-def]
    owner = make_user("owner@example.test", full_name="Olive Owner")
    workspace = do_create_workspace("Agence Test", "agence-test", "agency", owner)
    brand_a = do_create_brand(workspace, owner, name="Alpha", slug="alpha")
    brand_b = do_create_brand(workspace, owner, name="Beta", slug="beta")
    other_owner = make_user("other-owner@example.test")
    other = do_create_workspace("Autre", "autre", "company", other_owner)
    brand_c = do_create_brand(other, other_owner, name="Gamma", slug="gamma")
    people = {}
    for role in ROLES:
        user = make_user(f"{role}@example.test", full_name=role.title())
        do_grant_brand_role(brand_a, user, role, owner)
        people[role] = user
    outsider = make_user("outsider@example.test")
    return Tenants(owner, workspace, brand_a, brand_b, other, brand_c, people, outsider)


@pytest.fixture
def is_postgres(db) -> bool:  # type: ignore[no-untyped-def]
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # PBKDF2's deliberate slowness is for production; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "live_server",
    "django_db_serialized_rollback",
}


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """On the PostgreSQL pass, run only the tests that touch the database."""
    if os.environ.get("TRIBUNE_DB_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = bool(DB_FIXTURES & set(getattr(item, "fixturenames", ()))) or any(
            m.name == "django_db" for m in item.iter_markers()
        )
        (keep if uses_db else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep
