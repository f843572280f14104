"""Jobs shared by the talent tests: an open posting of lab-tcell by a member of it, and a real PDF CV."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.accounts.models import Membership
from guichet.directory.models import Organization
from guichet.talent import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def cv(name="cv.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def make_posting(poster, *, org_key="lab-tcell", title="Ingénieur·e en cytométrie", days=30, **extra):
    organization = Organization.objects.get(key=org_key)
    Membership.objects.get_or_create(user=poster, organization=organization)
    fields = {"kind": "job", "contract": "permanent", "language": "fr", "location": "Marseille",
              "description": "Tri cellulaire et cytométrie spectrale sur la plateforme.", **extra}
    return services.posting_create(actor=poster, organization=organization, title=title,
                                   expires_on=services.today_paris() + timedelta(days=days), **fields)
