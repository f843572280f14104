"""What calls for projects hold about a person: the proposals they made and the reviews they wrote."""

from guichet.privacy.registry import eraser, exporter, when

from .models import Assignment, Proposal


@exporter("calls")
def export_calls(user):
    return {
        "proposals": [{"id": p.pk, "call": p.call.key, "acronym": p.acronym, "title": p.title, "status": p.status,
                       "submitted_at": when(p.submitted_at)}
                      for p in Proposal.objects.filter(applicant=user).select_related("call").order_by("pk")],
        "reviews": [{"proposal": a.proposal_id, "status": a.status, "scores": a.scores, "comment": a.comment,
                     "declared_at": when(a.declared_at), "conflict_note": a.conflict_note}
                    for a in Assignment.objects.filter(reviewer=user).order_by("pk")],
    }


@eraser("calls")
def erase_calls(*, user, actor):
    """Proposals are their organizations' (decisions and amounts are figures): they stay with the anonymised
    account. A reviewer's comments and conflict notes go; their scores stay (the ranking is the committee's)."""
    count = Assignment.objects.filter(reviewer=user).update(comment="", conflict_note="")
    return {"reviews": count}
