"""``tribune rotate_keys``: re-encrypt every secret stored at rest with the first key of
``TRIBUNE_ENCRYPTION_KEYS``.

Rotation: put the new key first and keep the old ones after it (everything stays
readable), run this command once, then remove the old keys. It walks every
``EncryptedJSONField`` and every text column named ``*_encrypted`` of every model, in one
transaction per table; a value no configured key can read stops the command with the
table and row named (nothing is half-rotated in that table).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from tribune.core.crypto import DecryptionError, EncryptedJSONField, rotate_text


def encrypted_columns() -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedJSONField) or (
                isinstance(field, models.TextField) and field.name.endswith("_encrypted")
            ):
                found.append((model, str(field.column)))
    return found


def rotate_all() -> dict[str, int]:
    """Rotate every stored ciphertext; returns rows rewritten per ``table.column``."""
    from cryptography.fernet import InvalidToken

    counts: dict[str, int] = {}
    quote = connection.ops.quote_name
    for model, column in encrypted_columns():
        table, pk = model._meta.db_table, str(model._meta.pk.column)  # type: ignore[union-attr]
        select = "SELECT {pk}, {col} FROM {table}"  # names from the models, not input
        update = "UPDATE {table} SET {col} = %s WHERE {pk} = %s"
        names = {"pk": quote(pk), "col": quote(column), "table": quote(table)}
        rewritten = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(select.format(**names))
            for row_id, value in cursor.fetchall():
                if not value:
                    continue
                try:
                    new = rotate_text(value)
                except (InvalidToken, DecryptionError, ValueError) as exc:
                    raise CommandError(
                        f"{table}.{column} row {row_id} cannot be decrypted with the "
                        "configured keys; nothing in this table was changed."
                    ) from exc
                cursor.execute(update.format(**names), [new, row_id])
                rewritten += 1
        counts[f"{table}.{column}"] = rewritten
    return counts


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the first key of TRIBUNE_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rotate_all()
        for name, n in sorted(counts.items()):
            self.stdout.write(f"{name}: {n}")
        self.stdout.write(self.style.SUCCESS(f"{sum(counts.values())} secrets re-encrypted."))
