"""The table of Django's database cache (``CACHES`` in settings): shared by the web
processes and the worker, so dashboards the worker computes ahead are there for everyone."""

from django.core.management import call_command
from django.db import migrations

TABLE = "tribune_cache"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
