from django.db import migrations


def load(apps, schema_editor):
    from guichet.matching.services import vocabulary_load_seed

    vocabulary_load_seed(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
