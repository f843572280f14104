"""What labs and teams hold about a person: their memberships (rows go with the account when it is erased)."""

from guichet.privacy.registry import exporter, when

from .models import GroupMembership


@exporter("groups")
def export_groups(user):
    return {"memberships": [
        {"group": m.group.key, "role": m.role, "status": m.status, "may_charge": m.may_charge,
         "asked_at": when(m.created_at), "decided_at": when(m.decided_at)}
        for m in GroupMembership.objects.filter(user=user).select_related("group").order_by("created_at", "pk")]}
