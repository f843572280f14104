from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def give_existing_tokens_the_default_lifetime(apps, schema_editor):
    # Tokens made before expiry existed get the default lifetime from today, not from their creation:
    # none of them stops working the day this migration runs.
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=getattr(settings, "GUICHET_API_TOKEN_DAYS", 90)))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_alter_user_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="rotated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="rotated"),
        ),
        migrations.RunPython(give_existing_tokens_the_default_lifetime, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
