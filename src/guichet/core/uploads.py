"""Limits on uploaded files (partnership documents, service-order attachments): size and type, from settings.

The type is the file name's extension *and* what the first bytes say it is, so that a program renamed
"contract.pdf" is refused as well as a 200 MB video.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

# What each accepted extension must start with; text types must read as UTF-8 without NUL bytes.
SIGNATURES = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",), "ods": (b"PK\x03\x04",), "odp": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
}
TEXT_TYPES = ("txt", "csv", "fasta", "fa", "tsv")


class UploadRefused(ValueError):
    pass


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            head[:len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


def check_upload(upload, *, max_mb: int, types: tuple[str, ...] | None = None) -> None:
    """Raise UploadRefused (translated, naming the file) when the file is too large or not of an accepted type."""
    types = types or tuple(settings.GUICHET_UPLOAD_TYPES)
    name = upload.name or ""
    if upload.size > max_mb * 1024 * 1024:
        raise UploadRefused(_("The file %(name)s is larger than %(mb)s MB.") % {"name": name, "mb": max_mb})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in types:
        raise UploadRefused(_("The file %(name)s is not of an accepted type (%(types)s).")
                            % {"name": name, "types": ", ".join(types)})
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    ok = _is_text(head) if extension in TEXT_TYPES else any(head.startswith(s) for s in SIGNATURES.get(extension, ()))
    if not ok:
        raise UploadRefused(_("The file %(name)s is not a real .%(ext)s file.") % {"name": name, "ext": extension})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): the list of those given, each cleaned by
    FileField; their size and type are checked by the service that stores them (`check_upload`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []
