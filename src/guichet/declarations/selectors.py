"""Reads of declaration campaigns, scoped to what the user may see."""

from django.db.models import Count, Q

from guichet.accounts.models import Role
from guichet.accounts.permissions import is_member, members
from guichet.directory.models import Organization

from .models import Campaign, Declaration


def campaigns_with_progress():
    """Every campaign with its completion counts (for the team's list)."""
    return Campaign.objects.annotate(
        n_total=Count("declarations"),
        n_validated=Count("declarations", filter=Q(declarations__status=Declaration.Status.VALIDATED)),
        n_submitted=Count("declarations", filter=Q(declarations__status=Declaration.Status.SUBMITTED)),
    ).order_by("-year", "-pk")


def board(campaign: Campaign) -> dict:
    """The completion board: each organization's declaration, and the counts per status."""
    rows = list(campaign.declarations.select_related("organization", "submitted_by", "validated_by")
                .annotate(n_evidence=Count("evidence")).order_by("status", "organization__name"))
    counts = {status: sum(1 for r in rows if r.status == status) for status in Declaration.Status.values}
    return {"rows": rows, "counts": counts, "total": len(rows),
            "done": round(100 * counts[Declaration.Status.VALIDATED] / len(rows)) if rows else 0}


def declarations_for(user):
    """The declarations a member answers for (their organizations'), newest campaign first."""
    if not is_member(user):
        return Declaration.objects.none()
    return (Declaration.objects.filter(organization__memberships__user=user)
            .exclude(campaign__status=Campaign.Status.DRAFT)
            .select_related("campaign", "organization").order_by("-campaign__year", "-campaign__pk").distinct())


def organizations_to_ask():
    """Member organizations: those with at least one account of a member of the network (not the team)."""
    # The cluster team's own organization is not asked: its accounts are staff, who validate.
    return (Organization.objects.filter(memberships__user__in=members().exclude(role__in=[Role.STAFF, Role.ADMIN])).distinct()
            .order_by("name"))
