from django.db import migrations


def load(apps, schema_editor):
    # The seed used to be loaded here through the live service. The live service now writes fields that
    # do not exist yet at this point of the history (purposes, 0003), so the seed is loaded by
    # 0004_sync_vocabulary_seed, which is self-contained; on a database that already ran this migration
    # 0004 updates what it created.
    pass


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
