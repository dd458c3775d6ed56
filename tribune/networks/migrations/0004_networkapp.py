import django.db.models.deletion
from django.db import migrations, models

import tribune.core.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("networks", "0003_mastodonapp"),
    ]

    operations = [
        migrations.CreateModel(
            name="NetworkApp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("provider", models.CharField(max_length=20)),
                ("client_id", models.CharField(max_length=200)),
                ("secrets", tribune.core.crypto.EncryptedJSONField(default=dict)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="network_apps",
                        to="accounts.workspace",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("workspace", "provider"), name="uniq_app_per_provider"
                    )
                ]
            },
        ),
    ]
