from django.db import migrations, models


def english_forms_to_english(apps, schema_editor):
    """Questions were written in one language, the service's (`lang`): those of services written in English
    move to the English texts; the others are French (the site's language), where they are."""
    SampleField = apps.get_model("facility", "SampleField")
    for field in SampleField.objects.filter(service__lang="en"):
        field.label_en, field.choices_en, field.label, field.choices = field.label, field.choices, "", ""
        field.save(update_fields=["label", "label_en", "choices", "choices_en"])


def english_back(apps, schema_editor):
    SampleField = apps.get_model("facility", "SampleField")
    for field in SampleField.objects.exclude(label_en=""):
        field.label = field.label or field.label_en
        field.choices = field.choices or field.choices_en
        field.save(update_fields=["label", "choices"])


class Migration(migrations.Migration):

    dependencies = [
        ('facility', '0008_invoice_line_rent'),
    ]

    operations = [
        migrations.AddField(
            model_name='samplefield',
            name='choices_en',
            field=models.TextField(blank=True, max_length=4000, verbose_name='choices in English (one a line, in the French order)'),
        ),
        migrations.AddField(
            model_name='samplefield',
            name='label_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='question (English)'),
        ),
        migrations.AlterField(
            model_name='samplefield',
            name='choices',
            field=models.TextField(blank=True, max_length=4000, verbose_name='choices in French (one a line)'),
        ),
        migrations.AlterField(
            model_name='samplefield',
            name='label',
            field=models.CharField(blank=True, max_length=200, verbose_name='question (French)'),
        ),
        migrations.RunPython(english_forms_to_english, english_back),
    ]
