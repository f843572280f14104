"""Assessment writes: saving a batch's results and linking it to a programme, each one transaction, audited."""

from django.db import transaction

from guichet.accounts.models import Membership
from guichet.core.audit import audit_record

from .models import Assessment


def assessment_create(*, actor, title: str, cdr_scheme: str, result: list, shared_with_organization: bool):
    """Keep an assessment for its owner (and their organization, if shared)."""
    membership = Membership.objects.filter(user=actor).select_related("organization").first()
    with transaction.atomic():
        assessment = Assessment.objects.create(
            owner=actor, organization=membership.organization if membership else None,
            shared_with_organization=shared_with_organization and membership is not None,
            title=title, cdr_scheme=cdr_scheme, result=result)
        audit_record(actor=actor, action="assessment.create", entity_type="assessment",
                     entity_key=str(assessment.pk), entity_label=assessment.title,
                     changes={"antibodies": [None, len(result)],
                              "shared_with_organization": [None, assessment.shared_with_organization]})
    return assessment


def assessment_link_programme(*, actor, assessment: Assessment, programme) -> None:
    """The owner links an assessment to a programme (or unlinks it with None)."""
    with transaction.atomic():
        before = Assessment.objects.filter(pk=assessment.pk).values_list("programme__code", flat=True).first()
        updated = Assessment.objects.filter(pk=assessment.pk, owner=actor).update(programme=programme)
        after = programme.code if programme else None
        if updated and before != after:
            audit_record(actor=actor, action="assessment.link", entity_type="assessment",
                         entity_key=str(assessment.pk), entity_label=assessment.title,
                         changes={"programme": [before, after]})
