"""Run by tests/reliability/test_upgrade_path.py in a fresh process on an empty
database (``DATABASE_URL``): migrate to the previous release, write rows with the
release's models, migrate to head like ``tribune migrate`` does, then read everything
back with today's models. Prints one JSON line with what it found."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

RELEASE = json.loads((Path(__file__).parent / "fixtures" / "release_52715c6.json").read_text())
ALIAS = "default"


def _release_targets(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Release leaves for Tribune's apps; third-party apps at their current leaves (their
    versions are pinned in requirements.lock)."""
    tribune_apps = set(RELEASE["leaves"])
    graph_leaves = executor.loader.graph.leaf_nodes()
    targets = list(RELEASE["leaves"].items())
    for app, name in graph_leaves:
        if app not in tribune_apps and not _is_tribune(app):
            targets.append((app, name))
    assert tribune_apps <= {a for a, _n in graph_leaves}
    return targets


def _is_tribune(label: str) -> bool:
    from django.apps import apps

    try:
        return apps.get_app_config(label).name.startswith("tribune")
    except LookupError:
        return False


def _seed(old_apps, alias: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Rows of every area, written with the release's models."""

    def model(app: str, name: str):  # type: ignore[no-untyped-def]
        return old_apps.get_model(app, name).objects.using(alias)

    now = timezone.now()
    user = model("accounts", "User").create(
        email="owner@old.example", full_name="Olive", password="!", is_active=True
    )
    ws = model("accounts", "Workspace").create(name="Agence", slug="agence", kind="agency")
    model("accounts", "WorkspaceMembership").create(workspace=ws, user=user, role="owner")
    brand = model("accounts", "Brand").create(workspace=ws, name="Alpha", slug="alpha")
    model("accounts", "BrandRole").create(brand=brand, user=user, role="strategist")
    account = model("networks", "SocialAccount").create(
        brand=brand,
        network="sandbox",
        handle="alpha.sb",
        credentials={"access_token": "old-secret-token", "refresh_token": "r"},
    )
    post = model("publishing", "Post").create(brand=brand, text="Publié avant la mise à jour")
    model("publishing", "Variant").create(
        post=post, brand=brand, account=account, status="published", remote_id="r-1"
    )
    later = model("publishing", "Post").create(
        brand=brand, text="Prévu après la mise à jour", scheduled_at=now + timedelta(days=1)
    )
    model("publishing", "Variant").create(
        post=later, brand=brand, account=account, status="scheduled", due_at=later.scheduled_at
    )
    query = model("listening", "Query").create(brand=brand, name="Marque", expression="alpha")
    model("listening", "Mention").create(
        brand=brand,
        network="web",
        key="https://news.example/1",
        text="alpha dans la presse",
        text_hash="h1",
        published_at=now,
        fetched_at=now,
    )
    model("listening", "Alert").create(
        brand=brand,
        query=query,
        kind="volume",
        window_start=now,
        window_end=now,
        why="pic",
        raised_at=now,
        last_evidence_at=now,
        ack_token="tok-old",
    )
    identity = model("inbox", "Identity").create(
        brand=brand,
        network="sandbox",
        remote_id="lea",
        handle="lea",
        first_seen_at=now,
        last_seen_at=now,
    )
    thread = model("inbox", "Thread").create(
        brand=brand,
        account=account,
        network="sandbox",
        key="t-1",
        author=identity,
        last_text="Bonjour",
        last_activity_at=now,
        created_at=now,
        message_count=1,
    )
    model("inbox", "Message").create(
        brand=brand,
        account=account,
        thread=thread,
        remote_id="m-1",
        kind="mention",
        author=identity,
        text="Bonjour",
        created_at=now,
    )
    model("core", "AuditEvent").create(action="user.login", actor=user, workspace=ws)
    return {"user": user.pk, "brand": brand.pk, "account": account.pk, "workspace": ws.pk}


def main() -> None:
    executor = MigrationExecutor(connection)
    targets = _release_targets(executor)
    executor.migrate(targets)
    old_apps = executor.loader.project_state(targets).apps
    ids = _seed(old_apps, ALIAS)
    pending = len(
        MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    )
    call_command("migrate", interactive=False, verbosity=0)

    from tribune.accounts.models import Workspace
    from tribune.core.scope import unscoped
    from tribune.inbox.models import Message
    from tribune.listening.models import Alert, Mention
    from tribune.networks.models import SocialAccount
    from tribune.publishing.models import Post, Variant

    with unscoped():
        found = {
            "pending_before": pending,
            "token": SocialAccount.objects.get(pk=ids["account"]).credentials["access_token"],
            "variants": sorted(Variant.objects.values_list("status", flat=True)),
            "posts": Post.objects.count(),
            "mentions": Mention.objects.count(),
            "alert": Alert.objects.get().status,
            "message": Message.objects.get().text,
            "require_2fa": Workspace.objects.get(pk=ids["workspace"]).require_2fa,
            "left": len(
                MigrationExecutor(connection).migration_plan(
                    MigrationExecutor(connection).loader.graph.leaf_nodes()
                )
            ),
        }
    sys.stdout.write(json.dumps(found) + "\n")


if __name__ == "__main__":
    main()
