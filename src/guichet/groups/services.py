"""Writes for labs, teams and projects: one transaction each (or the caller's, for a charge), audited,
e-mailed after commit in each recipient's language.

A charge is checked in the transaction of the booking or order that makes it (bookings.services,
bookings.orders): the project's row is locked first (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the
transaction holds the write lock from BEGIN), so two members spending the last euros at once are served one
after the other and the second one sees the first one's booking."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from guichet.accounts.models import Membership
from guichet.accounts.permissions import is_member
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.mail import notify
from guichet.core.services import record_delete, record_save

from . import permissions, selectors
from .budget import ALERT_THRESHOLDS, project_usage
from .models import GroupMembership, Project, ResearchGroup


class GroupError(Refused):
    """A refused action on a group or a project, with a translated message naming the field at fault."""


class NotAllowed(GroupError):
    pass


class ProjectRefused(GroupError):
    """A booking or an order may not be charged to this project (validity, platform, budget)."""

    def __init__(self, message, field="project", forbidden=False):
        super().__init__(message, field)
        self.forbidden = forbidden


def heads(group):
    return [m.user for m in group.memberships.filter(role=GroupMembership.Role.HEAD,
                                                     status=GroupMembership.Status.ACTIVE).select_related("user")]


def euros(value) -> str:
    return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} €"


# --- memberships -----------------------------------------------------------------------------------------

def membership_request(*, actor, group: ResearchGroup) -> GroupMembership:
    """A member of the group's organization asks to join; the heads are told and decide."""
    if not is_member(actor):
        raise NotAllowed(_("Log in as a member of the network to join a lab or team."))
    if not Membership.objects.filter(user=actor, organization=group.organization).exists():
        raise NotAllowed(_("Only people of %(org)s may join its labs and teams.") % {"org": group.organization.name},
                         "group")
    with transaction.atomic(durable=True):
        membership, created = GroupMembership.objects.get_or_create(group=group, user=actor)
        if not created:
            again = GroupMembership.objects.filter(
                pk=membership.pk, status__in=[GroupMembership.Status.REFUSED, GroupMembership.Status.LEFT]
            ).update(status=GroupMembership.Status.PENDING, created_at=timezone.now(), decided_by=None,
                     decided_at=None, may_charge=False)
            if again:  # a new request starts from nothing: no platform kept from before
                membership.chargeable_platforms.clear()
            if not again:
                membership.refresh_from_db()
                if membership.status == GroupMembership.Status.PENDING:
                    raise GroupError(_("Your request to join %(group)s is already waiting for its heads' approval "
                                       "(asked on %(day)s).") % {
                        "group": group.name, "day": date_format(timezone.localtime(membership.created_at),
                                                                "SHORT_DATE_FORMAT")}, "group")
                raise GroupError(_("You already belong to %(group)s.") % {"group": group.name}, "group")
            membership.refresh_from_db()
        audit_record(actor=actor, action="group_membership.request", entity_type="group_membership",
                     entity_key=str(membership.pk), entity_label=str(membership),
                     changes={"status": [None, membership.status]})
        notify(heads(group), "group_join_requested", {"membership": membership, "group": group})
    return membership


def membership_platforms_check(group, values) -> list:
    """The platforms a head chose (Platform rows or their ids, as posted), each one the group's projects may pay
    for (`selectors.platforms_grantable`); anything else is refused, naming the field."""
    grantable = {p.pk: p for p in selectors.platforms_grantable(group)}
    chosen = []
    for value in values or []:
        pk = getattr(value, "pk", value)
        if isinstance(pk, str):
            pk = int(pk) if pk.isascii() and pk.isdigit() else None
        if pk not in grantable:
            raise GroupError(_("Choose platforms that the projects of %(group)s pay for.") % {"group": group.name},
                             "chargeable_platforms")
        if grantable[pk] not in chosen:
            chosen.append(grantable[pk])
    return chosen


def _platform_keys(platforms) -> list[str]:
    return sorted(p.key for p in platforms)


def membership_decide(*, actor, membership: GroupMembership, approve: bool, may_charge: bool = False,
                      platforms=None, now=None) -> GroupMembership:
    """A head approves (saying whether the member may charge the group's projects, and on which platforms: none
    listed, every one) or refuses a request."""
    if not permissions.can_manage_group(actor, membership.group):
        raise NotAllowed(_("Only the group's heads decide who joins."))
    now = now or timezone.now()
    to = GroupMembership.Status.ACTIVE if approve else GroupMembership.Status.REFUSED
    may_charge = bool(approve and may_charge)
    chosen = membership_platforms_check(membership.group, platforms) if may_charge else []
    with transaction.atomic(durable=True):
        if not GroupMembership.objects.filter(pk=membership.pk, status=GroupMembership.Status.PENDING).update(
                status=to, may_charge=may_charge, decided_by=actor, decided_at=now):
            raise GroupError(_("This request was already decided."), "status")
        membership.chargeable_platforms.set(chosen)
        changes = {"status": [GroupMembership.Status.PENDING, to], "may_charge": [False, may_charge]}
        if chosen:
            changes["chargeable_platforms"] = [[], _platform_keys(chosen)]
        audit_record(actor=actor, action="group_membership.approve" if approve else "group_membership.refuse",
                     entity_type="group_membership", entity_key=str(membership.pk), entity_label=str(membership),
                     changes=changes)
        membership.status, membership.may_charge, membership.decided_by, membership.decided_at = \
            to, may_charge, actor, now
        notify([membership.user], "group_join_decided", {"membership": membership, "group": membership.group})
    return membership


def membership_update(*, actor, membership: GroupMembership, may_charge: bool | None = None,
                      platforms=None, remove: bool = False) -> GroupMembership:
    """A head allows or stops a member charging the projects, changes the platforms they may charge on (`platforms`
    given: the whole choice, none listed meaning every one), or removes them (a head is removed in the admin)."""
    if not permissions.can_manage_group(actor, membership.group):
        raise NotAllowed(_("Only the group's heads change who may charge its projects."))
    if membership.role == GroupMembership.Role.HEAD:
        raise GroupError(_("A head's membership is changed by the cluster team."), "role")
    changes = {}
    with transaction.atomic(durable=True):
        current = GroupMembership.objects.select_for_update().get(pk=membership.pk)
        if current.status != GroupMembership.Status.ACTIVE:
            raise GroupError(_("This person is not a member of the group."), "status")
        before = _platform_keys(current.chargeable_platforms.all())
        if remove:
            changes["status"] = [current.status, GroupMembership.Status.LEFT]
            current.status, current.may_charge = GroupMembership.Status.LEFT, False
        if may_charge is not None and bool(may_charge) != current.may_charge and not remove:
            changes["may_charge"] = [current.may_charge, bool(may_charge)]
            current.may_charge = bool(may_charge)
        chosen = None
        if remove or not current.may_charge:
            chosen = []  # no charging: no platform kept for a later "allow" to revive unseen
        elif platforms is not None:
            chosen = membership_platforms_check(current.group, platforms)
        if chosen is not None and _platform_keys(chosen) != before:
            changes["chargeable_platforms"] = [before, _platform_keys(chosen)]
            current.chargeable_platforms.set(chosen)
        if changes:
            current.save(update_fields=["status", "may_charge"])
            audit_record(actor=actor, action="group_membership.update", entity_type="group_membership",
                         entity_key=str(current.pk), entity_label=str(current), changes=changes)
    return current


def membership_platforms_admin_set(*, actor, record: GroupMembership, values) -> None:
    """The cluster team's choice of a member's platforms in the admin: checked and audited as a head's."""
    chosen = membership_platforms_check(record.group, values) if record.may_charge else []
    with transaction.atomic():
        before = _platform_keys(record.chargeable_platforms.all())
        if _platform_keys(chosen) != before:
            record.chargeable_platforms.set(chosen)
            audit_record(actor=actor, action="group_membership.update", entity_type="group_membership",
                         entity_key=str(record.pk), entity_label=str(record),
                         changes={"chargeable_platforms": [before, _platform_keys(chosen)]})


class LastHead(GroupError):
    """The only head of a group that still has people in it would go: the cluster team appoints another first."""


def is_active_head(membership) -> bool:
    return membership.role == GroupMembership.Role.HEAD and membership.status == GroupMembership.Status.ACTIVE


def headless_refusal(group: ResearchGroup, after: list[GroupMembership], leaving) -> LastHead | None:
    """The refusal when the group's people `after` a change (active and waiting ones) would have no active head
    though some are left; `leaving`: the user whose change it is (named in the message)."""
    present = [m for m in after if m.status in (GroupMembership.Status.ACTIVE, GroupMembership.Status.PENDING)]
    if not present or any(is_active_head(m) for m in present):
        return None
    return LastHead(_("%(person)s is the only head of %(group)s, which still has %(count)s other members or "
                      "requests to join. First appoint another head of %(group)s in the administration (Labs and "
                      "teams, %(group)s, a member's role: Head (PI)), then try again.") % {
        "person": leaving.get_full_name() or leaving.email, "group": group.name, "count": len(present)}, "role")


def heads_kept(*, user, leaving=None) -> None:
    """The rule: a lab or team with people in it (members, or requests waiting for a head) always keeps an
    active head. Refuses (LastHead, translated, naming the group and what to do) when `user`'s membership —
    `leaving`, or all of theirs (an erasure) — would take its last head away. Runs in the caller's transaction:
    the groups' memberships are locked, so two heads leaving at once cannot both pass."""
    mine = GroupMembership.objects.filter(user=user, role=GroupMembership.Role.HEAD,
                                          status=GroupMembership.Status.ACTIVE)
    if leaving is not None:
        mine = mine.filter(pk=leaving.pk)
    for group_id in list(mine.values_list("group_id", flat=True)):
        others = list(GroupMembership.objects.select_for_update().filter(group_id=group_id).exclude(user=user))
        refusal = headless_refusal(ResearchGroup.objects.get(pk=group_id), others, user)
        if refusal:
            raise refusal


def membership_admin_save(*, actor, record: GroupMembership, is_new: bool) -> None:
    """The cluster team appoints heads and adds members in the admin (audited; a new row is decided by them).
    A head's role or membership ends only while the group keeps another head (`heads_kept`)."""
    if record.status != GroupMembership.Status.PENDING and record.decided_at is None:
        record.decided_by, record.decided_at = actor, timezone.now()
    with transaction.atomic():
        if not is_new and not is_active_head(record):
            before = GroupMembership.objects.select_for_update().get(pk=record.pk)
            if is_active_head(before):
                heads_kept(user=before.user, leaving=before)
        record_save(actor=actor, record=record, is_new=is_new)


def membership_admin_delete(*, actor, record: GroupMembership) -> None:
    """A membership deleted in the admin (audited); not a group's last head while others are in it."""
    with transaction.atomic():
        current = GroupMembership.objects.select_for_update().filter(pk=record.pk).first()
        if current is not None and is_active_head(current):
            heads_kept(user=current.user, leaving=current)
        record_delete(actor=actor, record=record)


def group_check(record: ResearchGroup) -> None:
    """A team sits inside a lab of its own organization, one level deep."""
    parent = record.parent
    if parent is not None and (parent.pk == record.pk or parent.organization_id != record.organization_id
                               or parent.parent_id is not None):
        raise GroupError(_("A team sits inside a lab of the same organization."), "parent")


def group_save(*, actor, record: ResearchGroup, is_new: bool) -> None:
    group_check(record)
    record_save(actor=actor, record=record, is_new=is_new)


def project_save(*, actor, record: Project, is_new: bool) -> None:
    record_save(actor=actor, record=record, is_new=is_new)


# --- charging a project --------------------------------------------------------------------------------

def project_charge(*, actor, project: Project, platform, amount, on: date, service=None, now=None,
                   order=None, booking=None, check_actor: bool = True) -> Project:
    """Check, in the caller's transaction, that `actor` may charge `amount` euros on `on` to the project for
    this platform (and service); the project's row stays locked until that transaction ends.

    `order`: a service order already charged, checked again as its quote is accepted or its work starts
    (`amount` is then its quote, weighed against what the project holds beside it); `check_actor` is off
    when a platform's manager moves it on, the requester having committed the project at acceptance.
    `booking`: a booking waiting for approval, checked again as a manager approves it (its own amount weighed
    against what the project holds beside it)."""
    if check_actor and not permissions.can_charge(actor, project):
        raise ProjectRefused(_("You may not charge the project %(name)s: ask its group's heads.")
                             % {"name": project.name}, forbidden=True)
    if check_actor and not permissions.can_charge(actor, project, platform):
        raise ProjectRefused(_("You may not charge the project %(name)s on the platform %(platform)s: ask its "
                               "group's heads.") % {"name": project.name, "platform": platform.name}, forbidden=True)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if not locked.starts_on <= on <= locked.ends_on:
        raise ProjectRefused(_("The project %(name)s is valid from %(first)s to %(last)s.") % {
            "name": locked.name, "first": date_format(locked.starts_on, "SHORT_DATE_FORMAT"),
            "last": date_format(locked.ends_on, "SHORT_DATE_FORMAT")})
    allowed = set(locked.platforms.values_list("pk", flat=True))
    if allowed and platform.pk not in allowed:
        raise ProjectRefused(_("The project %(name)s does not pay for the platform %(platform)s.")
                             % {"name": locked.name, "platform": platform.name})
    services = set(locked.services.values_list("pk", flat=True))
    if service is not None and services and service.pk not in services:
        raise ProjectRefused(_("The project %(name)s does not pay for the service %(service)s.")
                             % {"name": locked.name, "service": service.name})
    usage = project_usage(locked, now, beside=order if order is not None else booking)
    if amount > usage.left:
        raise ProjectRefused(_("The project %(name)s has %(left)s left; this is estimated at %(amount)s.") % {
            "name": locked.name, "left": euros(max(usage.left, 0)), "amount": euros(amount)})
    return locked


def project_alerts(*, project: Project, now=None) -> list[int]:
    """After a charge, in its transaction: the heads are told once when 80 % and once when 100 % of the
    budget is consumed or committed (each claimed by compare-and-set). Returns the thresholds just crossed."""
    now = now or timezone.now()
    usage = project_usage(project, now)
    crossed = []
    for threshold in ALERT_THRESHOLDS:
        column = f"alerted_{threshold}_at"
        if usage.percent >= threshold and Project.objects.filter(
                pk=project.pk, **{f"{column}__isnull": True}).update(**{column: now}):
            crossed.append(threshold)
    if crossed:
        threshold = max(crossed)
        audit_record(actor=None, action="project.alert", entity_type="project", entity_key=project.key,
                     entity_label=str(project), changes={"alert": [None, threshold],
                                                         "used": [None, str(usage.used)]})
        notify(heads(project.group), "project_budget_alert", {
            "project": project, "threshold": threshold, "usage": usage})
    return crossed
