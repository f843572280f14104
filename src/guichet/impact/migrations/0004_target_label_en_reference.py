from django.db import migrations, models

# The default targets' labels in both languages, their source document once, and their reading of it in French
# (the source is a French press release; what staff write later keeps the language they write it in).
REFERENCE = ("Communiqué de presse du 16 mai 2023 : « Une quarantaine de start-up seront créées d'ici 2030 », "
             "« des centaines d'emplois directs vont être créés d'ici 2025 et plusieurs milliers d'ici 2030 », "
             "« Les retombées économiques sont estimées à 2 Milliards d'Euros d'ici 2030 ».")
DEFAULTS = {
    "startups_2030": ("Start-up créées", "Start-ups created", "« une quarantaine » est lu comme 40."),
    "jobs_2025": ("Emplois directs", "Direct jobs", "« des centaines » est lu comme sa borne basse, 200."),
    "jobs_2030": ("Emplois directs", "Direct jobs", "« plusieurs milliers » est lu comme sa borne basse, 2 000."),
    "economic_impact_2030": ("Retombées économiques (EUR)", "Economic impact (EUR)", "2 milliards d'euros."),
}
OLD_PREFIX = "Press release of 16 May 2023 (shared/seed)"


def forwards(apps, schema_editor):
    Target = apps.get_model("impact", "Target")
    for key, (fr, en, interpretation) in DEFAULTS.items():
        # Only targets still as the first migration wrote them: staff edits are kept.
        Target.objects.filter(key=key, source__startswith=OLD_PREFIX).update(
            label=fr, label_en=en, source=interpretation, reference=REFERENCE)


class Migration(migrations.Migration):
    dependencies = [("impact", "0003_figures_in_bounds")]
    operations = [
        migrations.AddField("target", "label_en", models.CharField(
            blank=True, help_text="Shown on English pages; the French label is used when empty.", max_length=200,
            verbose_name="label (English)")),
        migrations.AddField("target", "reference", models.TextField(
            blank=True, help_text="The text the target comes from; shown once for all targets citing it.",
            verbose_name="source document")),
        migrations.AlterField("target", "label", models.CharField(max_length=200, verbose_name="label (French)")),
        migrations.AlterField("target", "source", models.TextField(
            blank=True, help_text="How the target was read from its source document.",
            verbose_name="interpretation")),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
