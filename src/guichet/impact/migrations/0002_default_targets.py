from django.db import migrations

SOURCE = ("Press release of 16 May 2023 (shared/seed): « Une quarantaine de start-up seront créées d'ici 2030 », "
          "« des centaines d'emplois directs vont être créés d'ici 2025 et plusieurs milliers d'ici 2030 », "
          "« Les retombées économiques sont estimées à 2 Milliards d'Euros d'ici 2030 ». ")
TARGETS = [
    ("startups_2030", "Start-ups created", 40, 2030, SOURCE + "« une quarantaine » is read as 40."),
    ("jobs_2025", "Direct jobs", 200, 2025, SOURCE + "« des centaines » is read as its lower bound, 200."),
    ("jobs_2030", "Direct jobs", 2000, 2030, SOURCE + "« plusieurs milliers » is read as its lower bound, 2,000."),
    ("economic_impact_2030", "Economic impact (EUR)", 2_000_000_000, 2030, SOURCE + "2 billion euros."),
]


def load(apps, schema_editor):
    Target = apps.get_model("impact", "Target")
    for key, label, value, year, source in TARGETS:
        Target.objects.get_or_create(key=key, defaults={"label": label, "value": value, "year": year,
                                                         "source": source})


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
