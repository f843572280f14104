import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGERS = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is insert-only'); END;""",
]
PG_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION core_auditevent_insert_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is insert-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_insert_only();""",
]


def add_triggers(apps, schema_editor):
    statements = PG_TRIGGERS if schema_editor.connection.vendor == "postgresql" else SQLITE_TRIGGERS
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="when")),
                ("actor_label", models.CharField(blank=True, max_length=254, verbose_name="who (as recorded)")),
                ("action", models.CharField(db_index=True, max_length=80, verbose_name="action")),
                ("entity_type", models.CharField(db_index=True, max_length=80, verbose_name="record type")),
                ("entity_key", models.CharField(db_index=True, max_length=120, verbose_name="record")),
                ("entity_label", models.CharField(blank=True, max_length=300, verbose_name="record name")),
                ("changes", models.JSONField(blank=True, default=dict, verbose_name="changes")),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="who")),
            ],
            options={"verbose_name": "audit event", "verbose_name_plural": "audit events", "ordering": ["-at", "-id"]},
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
