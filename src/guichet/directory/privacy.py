"""What the directory holds about a person: the imports they uploaded, and directory entries at their address."""

from guichet.privacy.registry import exporter, when

from .models import ImportBatch, Person


@exporter("directory")
def export_directory(user):
    # An uploaded file's content is other people's records: only its name and dates are the uploader's.
    return {
        "imports_uploaded": [{"file": b.filename, "status": b.status, "uploaded_at": when(b.created_at),
                              "applied_at": when(b.applied_at)}
                             for b in ImportBatch.objects.filter(created_by=user).order_by("created_at", "pk")],
        # Published by an organization, edited by staff (the erasure leaves them to the admin).
        "directory_entries": [{"key": p.key, "name": p.name, "title": p.title,
                               "organization": p.organization.key if p.organization else None}
                              for p in Person.objects.filter(email__iexact=user.email)
                              .select_related("organization").order_by("key")],
    }
