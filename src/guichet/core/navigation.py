"""The site menu, designed per role: what each role comes to Guichet for, grouped so that it fits one line.

One statement of "which pages a role is shown"; `tests/test_navigation.py` crawls the site as each role and
fails if a page that role may open is linked from nowhere it sees.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guichet.accounts.permissions import is_member
from guichet.hosting.permissions import can_view_hosting


@dataclass
class Item:
    label: str
    url: str
    apps: tuple[str, ...] = ()  # resolver app names (or "app:view") that mark this item as current
    current: bool = False


@dataclass
class Group:
    label: str
    items: list[Item] = field(default_factory=list)
    key: str = ""
    current: bool = False


def menu_for(user) -> list[Group]:
    """The menu groups shown to `user`; a group with one item is rendered as a plain link."""
    groups = [Group(_("Directory"), [Item(_("Directory"), reverse("directory:list"), ("directory",))], "directory")]

    platforms = Group(_("Platforms"), [Item(_("Catalogue"), reverse("platforms:list"), ("platforms",))], "platforms")
    if user.is_authenticated:
        platforms.items += [
            Item(_("My bookings"), reverse("bookings:mine"), ("bookings:mine",)),
            Item(_("Service orders"), reverse("bookings:orders"), ("bookings:orders", "bookings:order")),
        ]
        managed = list(user.managed_platforms.all()) if not user.is_staff else []
        if user.is_staff or managed:
            platforms.items.append(Item(_("Approvals"), reverse("bookings:approvals"), ("bookings:approvals",)))
        for platform in managed:
            platforms.items.append(Item(_("Usage: %(platform)s") % {"platform": platform.name},
                                        reverse("bookings:usage", args=[platform.key]), ()))
        if user.is_staff or user.memberships.exists():
            platforms.items.append(Item(_("Monthly statements"), reverse("bookings:statement"),
                                        ("bookings:statement",)))
    groups.append(platforms)

    desk = Group(_("The desk"), [Item(_("Describe a need"), reverse("desk:new"), ("desk:new",))], "desk")
    if user.is_authenticated:
        desk.items.append(Item(_("Requests inbox") if user.is_staff else _("My requests"),
                               reverse("desk:list"), ("desk:list", "desk:detail")))
    groups.append(desk)

    network = Group(_("Network"), [Item(_("Antibody programmes"), reverse("programmes:showcase"), ("programmes",))],
                    "network")
    if is_member(user):
        network.items += [
            Item(_("Partnerships"), reverse("partnerships:board"), ("partnerships",)),
            Item(_("Start-ups"), reverse("startups:list"), ("startups",)),
        ]
    network.items.append(Item(_("Impact in figures"), reverse("impact:public"), ("impact:public",)))
    # --- events ---
    network.items.append(Item(_("Events and trainings"), reverse("events:agenda"), ("events:agenda",
                                                                                     "events:detail")))
    if user.is_authenticated:
        network.items.append(Item(_("My registrations"), reverse("events:mine"), ("events:mine",)))
    groups.append(network)

    if user.is_authenticated:
        groups.append(Group(_("Antibodies"), [Item(_("Antibody assessment"), reverse("antibodies:workspace"),
                                                    ("antibodies",))], "antibodies"))
    if user.is_staff:
        groups.append(Group(_("Cluster team"), [
            Item(_("Impact dashboard"), reverse("impact:dashboard"), ("impact:dashboard",)),
            Item(_("Directory import"), reverse("directory:import"), ("directory:import",
                                                                        "directory:import_preview")),
            Item(_("Audit log"), reverse("audit"), ("audit",)),
            Item(_("Outgoing e-mails"), reverse("outbox"), ("outbox", "outbox_message")),
            Item(_("Administration"), reverse("admin:index"), ()),
        ], "staff"))
    # --- clinical transfer, technology transfer ---
    network.items.insert(-1, Item(_("Clinical sites"), reverse("clinical:sites"), ("clinical:sites",)))
    if user.is_authenticated and (is_member(user) or user.is_staff):
        network.items.insert(-1, Item(_("Clinical trials"), reverse("clinical:trials"),
                                      ("clinical:trials", "clinical:trial")))
    network.items.insert(-1, Item(_("Technology offers"), reverse("transfer:offers"), ("transfer",)))
    # --- declaration campaigns, annual report ---
    if user.is_staff:
        team = next(g for g in groups if g.key == "staff")
        team.items[1:1] = [
            Item(_("Declaration campaigns"), reverse("declarations:campaigns"), ("declarations",)),
            Item(_("Annual reports"), reverse("impact:annual_reports"), ("impact:annual_reports",
                                                                          "impact:annual_report")),
        ]
    if is_member(user):
        network.items.append(Item(_("Yearly declarations"), reverse("declarations:mine"),
                                  ("declarations:mine", "declarations:declaration")))
    # --- calls, talent ---
    network.items.insert(-1, Item(_("Jobs and internships"), reverse("talent:list"), ("talent",)))
    network.items.insert(-1, Item(_("Calls for projects"), reverse("calls:list"), ("calls",)))
    # --- groups (issue 12) ---
    if is_member(user):
        platforms.items.append(Item(_("My labs and teams"), reverse("groups:list"), ("groups",)))
    # --- invoices (issue 13, item 7) ---
    if user.is_authenticated and (user.is_staff or user.memberships.exists() or user.managed_platforms.exists()):
        platforms.items.append(Item(_("Invoices"), reverse("facility:invoices"),
                                    ("facility:invoices", "facility:invoice", "facility:invoicing_settings")))
    # --- hosting spaces (issue 13) ---
    if is_member(user):
        platforms.items.append(Item(_("Book a room"), reverse("hosting:rooms"), ("hosting:rooms",)))
    if can_view_hosting(user):
        target = next((g for g in groups if g.key == "staff"), platforms)
        target.items.insert(max(len(target.items) - 1, 0) if target is not platforms else len(target.items),
                            Item(_("Hosting spaces"), reverse("hosting:buildings"),
                                 ("hosting:buildings", "hosting:building")))
    return groups


def _current(request, groups):
    match = getattr(request, "resolver_match", None)
    if not match:
        return
    full = f"{match.app_name}:{match.url_name}" if match.app_name else match.url_name
    for group in groups:
        for item in group.items:
            if match.app_name in item.apps or full in item.apps:
                item.current = True
                group.current = True
                return


def navigation(request):
    """Context processor: `nav`, the menu for the signed-in user (or the visitor)."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    groups = menu_for(user)
    _current(request, groups)
    return {"nav": groups}
