"""Reads about labs, teams and projects, already scoped to what the user may see."""

from datetime import date

from django.db.models import Q

from guichet.accounts.models import Membership
from guichet.accounts.permissions import is_member

from . import permissions
from .budget import project_lines, project_usage
from .models import GroupMembership, Project, ResearchGroup


def groups_of(user):
    """The groups the user belongs to (approved), with their role in each."""
    if not is_member(user):
        return GroupMembership.objects.none()
    return (GroupMembership.objects.filter(user=user, status=GroupMembership.Status.ACTIVE)
            .select_related("group__organization").prefetch_related("chargeable_platforms").order_by("group__name"))


def requests_of(user):
    if not is_member(user):
        return GroupMembership.objects.none()
    return (GroupMembership.objects.filter(user=user, status=GroupMembership.Status.PENDING)
            .select_related("group__organization").order_by("group__name"))


def groups_to_join(user):
    """Groups of the user's organizations that they neither belong to nor wait for."""
    if not is_member(user):
        return ResearchGroup.objects.none()
    orgs = Membership.objects.filter(user=user).values("organization")
    taken = GroupMembership.objects.filter(user=user, status__in=[GroupMembership.Status.ACTIVE,
                                                                  GroupMembership.Status.PENDING]).values("group")
    return (ResearchGroup.objects.filter(organization__in=orgs).exclude(pk__in=taken)
            .select_related("organization").order_by("name"))


def groups_visible_to(user):
    if not is_member(user):
        return ResearchGroup.objects.none()
    if user.is_staff:
        return ResearchGroup.objects.select_related("organization")
    return ResearchGroup.objects.filter(memberships__user=user,
                                        memberships__status=GroupMembership.Status.ACTIVE).select_related(
        "organization").distinct()


def group_page(user, group) -> dict:
    """What the group's page shows: members to everyone of the group; requests and the projects' money to
    its heads and the cluster team only."""
    manager = permissions.can_manage_group(user, group)
    members = group.memberships.filter(status=GroupMembership.Status.ACTIVE).select_related("user").prefetch_related(
        "chargeable_platforms")
    projects = []
    for project in group.projects.prefetch_related("platforms", "services").order_by("-ends_on", "name"):
        projects.append({"project": project, "usage": project_usage(project) if manager else None})
    members = list(members)
    return {"group": group, "manager": manager, "members": members, "projects": projects,
            "pending": group.memberships.filter(status=GroupMembership.Status.PENDING).select_related("user")
            if manager else [], "teams": group.teams.all(),
            # A plain member's hint: who the heads are and what the member may do (their own row).
            "heads": [m.user.get_full_name() for m in members if m.role == GroupMembership.Role.HEAD],
            # The platforms a head may limit a member's charging to (the approval and the members' forms).
            "grantable": list(platforms_grantable(group)) if manager else [],
            "mine": next((m for m in members if m.user_id == user.pk), None)}


def projects_chargeable(user, *, platform=None, service=None, on: date | None = None):
    """Projects the user may charge, valid on `on` and allowed for the platform (and service) when given:
    what the booking and order forms offer, and the API lists."""
    if not is_member(user):
        return Project.objects.none()
    # The query of permissions.can_charge: a head or a member allowed with no platform listed charges every
    # platform; a member allowed on some platforms charges only those (the platform given, else projects that
    # pay for one of them or for every platform).
    active = GroupMembership.objects.filter(user=user, status=GroupMembership.Status.ACTIVE)
    everywhere = Q(role=GroupMembership.Role.HEAD) | Q(may_charge=True, chargeable_platforms__isnull=True)
    if platform is not None:
        mine = active.filter(everywhere | Q(may_charge=True, chargeable_platforms=platform)).values("group")
        projects = Project.objects.filter(group__in=mine)
    else:
        allowed = Q(group__in=active.filter(everywhere).values("group"))
        limited = active.exclude(role=GroupMembership.Role.HEAD).filter(
            may_charge=True, chargeable_platforms__isnull=False).prefetch_related("chargeable_platforms").distinct()
        for membership in limited:
            granted = [p.pk for p in membership.chargeable_platforms.all()]
            allowed |= Q(group=membership.group_id) & (Q(platforms__isnull=True) | Q(platforms__in=granted))
        projects = Project.objects.filter(allowed)
    projects = projects.select_related("group")
    if on is not None:
        projects = projects.filter(starts_on__lte=on, ends_on__gte=on)
    if platform is not None:
        projects = projects.filter(Q(platforms=platform) | Q(platforms__isnull=True))
    if service is not None:
        projects = projects.filter(Q(services=service) | Q(services__isnull=True))
    return projects.distinct().order_by("name")


def platforms_grantable(group):
    """The platforms a head may limit a member's charging to: those the group's projects pay for (every platform
    when one of its projects pays for any)."""
    from guichet.platforms.models import Platform

    projects = group.projects.all()
    if not projects.exists() or projects.filter(platforms__isnull=True).exists():
        return Platform.objects.order_by("name")
    return Platform.objects.filter(projects__group=group).distinct().order_by("name")


def project_statement(user, project):
    """The project's lines (consumed and committed) for its heads and staff; None for anyone else."""
    if not permissions.can_see_consumption(user, project):
        return None
    return {"project": project, "lines": project_lines(project), "usage": project_usage(project)}
