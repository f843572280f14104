from django.db import migrations


def add_templates(apps, schema_editor):
    from guichet.impact.report_templates import DEFAULT_TEMPLATES

    ReportTemplate = apps.get_model("impact", "ReportTemplate")
    for template in DEFAULT_TEMPLATES:
        ReportTemplate.objects.get_or_create(key=template["key"], defaults={
            k: v for k, v in template.items() if k != "key"})


class Migration(migrations.Migration):
    dependencies = [("impact", "0005_reporttemplate_annualreport")]
    operations = [migrations.RunPython(add_templates, migrations.RunPython.noop)]
