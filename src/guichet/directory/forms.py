from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Directory file (JSON or XLSX)"),
                           help_text=_("A directory-v1 JSON file, or a workbook made from the XLSX template."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".json") or name.endswith(".xlsx")):
            raise forms.ValidationError(_("Choose a .json or .xlsx file."))
        if upload.size > settings.GUICHET_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {
                "mb": settings.GUICHET_IMPORT_MAX_BYTES // (1024 * 1024)})
        return upload
