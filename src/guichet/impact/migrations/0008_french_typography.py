import re

from django.db import migrations

# The French texts shipped by 0004 (targets) and 0006 (report templates) set their signs apart with ordinary
# spaces; French typography wants a no-break space before : ; ? ! » and after «. Only texts still as shipped
# are changed (a staff edit is kept as written).
SHIPPED_TITLES = {"Transfert vers le soin : recherche clinique", "Annexe : déclarations validées et justificatifs",
                  "Annexe : déclarations validées"}


def typeset(text: str) -> str:
    return re.sub(r" ([:;?!»])", "\u00a0\\1", text).replace("« ", "«\u00a0")


def typeset_shipped(apps, schema_editor):
    import importlib

    targets = importlib.import_module("guichet.impact.migrations.0004_target_label_en_reference")
    Target = apps.get_model("impact", "Target")
    for key, (_fr, _en, interpretation) in targets.DEFAULTS.items():
        Target.objects.filter(key=key, source=interpretation).update(source=typeset(interpretation))
        Target.objects.filter(key=key, reference=targets.REFERENCE).update(reference=typeset(targets.REFERENCE))
    ReportTemplate = apps.get_model("impact", "ReportTemplate")
    for template in ReportTemplate.objects.all():
        sections = template.sections
        changed = False
        for section in sections:
            title = section.get("title") or {}
            if title.get("fr") in SHIPPED_TITLES:
                title["fr"] = typeset(title["fr"])
                changed = True
        if changed:
            template.sections = sections
            template.save(update_fields=["sections"])


class Migration(migrations.Migration):
    dependencies = [("impact", "0007_merge_0005_report_run_0006_default_report_templates")]
    operations = [migrations.RunPython(typeset_shipped, migrations.RunPython.noop)]
