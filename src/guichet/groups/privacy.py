"""What labs and teams hold about a person: the groups they belong or belonged to, and their requests to join
one still waiting for a head. Erasure deletes both (a head's own membership too, while the group keeps another
head: the last head of a group with people in it is refused, naming it, until the cluster team appoints
another — groups.services.heads_kept, in the erasure's transaction); bookings and orders charged to a project stay, as the projects'
figures are computed from them, and requests the person decided for others stay, their decision kept."""

from guichet.privacy.registry import eraser, exporter, when

from .models import GroupMembership
from .services import heads_kept


def _row(m):
    return {"group": m.group.key, "group_name": m.group.name, "role": m.role, "status": m.status,
            "may_charge": m.may_charge,
            # empty while may_charge: every platform the group's projects pay for (models.GroupMembership)
            "chargeable_platforms": sorted(p.key for p in m.chargeable_platforms.all()), "asked_at": when(m.created_at), "decided_at": when(m.decided_at)}


@exporter("groups")
def export_groups(user):
    rows = list(GroupMembership.objects.filter(user=user).select_related("group")
                .prefetch_related("chargeable_platforms").order_by("created_at", "pk"))
    pending = GroupMembership.Status.PENDING
    return {"memberships": [_row(m) for m in rows if m.status != pending],
            "join_requests": [_row(m) for m in rows if m.status == pending]}


@eraser("groups")
def erase_groups(*, user, actor):
    heads_kept(user=user)  # refused: the erasure's transaction writes nothing
    mine = GroupMembership.objects.filter(user=user)
    requests = mine.filter(status=GroupMembership.Status.PENDING).count()
    _, per_model = mine.delete()
    deleted = per_model.get(GroupMembership._meta.label, 0)
    return {"memberships": deleted - requests, "join_requests": requests}
