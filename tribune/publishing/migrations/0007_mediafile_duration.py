from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0006_post_evergreen_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="mediafile",
            name="duration",
            field=models.FloatField(blank=True, null=True),
        ),
    ]
