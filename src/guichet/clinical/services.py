"""Clinical writes: each checks who acts, validates, writes and audits in one transaction, e-mails after commit.

A feasibility request is a desk request (its conversation, routing and history are the desk's) with a
questionnaire; routing goes through desk.services.request_route, and the answer and the close write the
desk's rows in the same transaction as the clinical ones.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from guichet.core import bounds
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.i18n import in_language
from guichet.core.mail import notify
from guichet.desk import services as desk_services
from guichet.desk.models import Outcome, Routing, Status

from . import permissions
from .models import Feasibility, FeasibilityAnswer, InclusionCount, Interest, Site

FEASIBILITY_FIELDS = ("indication", "area", "phase", "population", "inclusion_criteria", "patients_needed",
                      "recruitment_start", "recruitment_months", "deadline")


class ClinicalError(Refused):
    """A refused clinical action, with a translated message naming the field when there is one."""


def field_error(label, message) -> str:
    """'Field: message', with the typography of the language (a no-break space before the colon in French)."""
    return _("%(field)s: %(error)s") % {"field": capfirst(label), "error": message}


def _first_error(exc: ValidationError) -> ClinicalError:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        if field == "__all__":
            return ClinicalError(errors[0].messages[0])
        return ClinicalError(field_error(Feasibility._meta.get_field(field).verbose_name, errors[0].messages[0]),
                             field=field)
    return ClinicalError(exc.messages[0])


def _today() -> date:
    return timezone.localdate()


def _feasibility_text(data: dict) -> str:
    """The desk request's text: the questionnaire in words, so the desk list, search by staff and e-mails
    describe it like any other need."""
    from .models import Phase

    return _("Feasibility request. Indication: %(indication)s (%(phase)s). Population: %(population)s. "
             "Inclusion criteria: %(criteria)s. Patients needed: %(n)d, recruitment from %(start)s over "
             "%(months)d months. Answers due by %(deadline)s.") % {
        "indication": data["indication"], "phase": dict(Phase.choices)[data["phase"]],
        "population": data["population"], "criteria": data["inclusion_criteria"], "n": data["patients_needed"],
        "start": data["recruitment_start"].strftime("%d/%m/%Y"), "months": data["recruitment_months"],
        "deadline": data["deadline"].strftime("%d/%m/%Y")}


def feasibility_submit(*, actor, title: str = "", confidential: bool = True, now=None, **data) -> Feasibility:
    """A sponsor (a member) or the cluster team asks which sites could run a trial."""
    if not permissions.can_submit_feasibility(actor):
        raise ClinicalError(_("Only members of the network ask for a feasibility study."))
    missing = [f for f in FEASIBILITY_FIELDS if data.get(f) in (None, "")]
    if missing:
        raise ClinicalError(_("%(field)s: this field is required.") % {
            "field": Feasibility._meta.get_field(missing[0]).verbose_name}, field=missing[0])
    feasibility = Feasibility(**{f: data[f] for f in FEASIBILITY_FIELDS})
    try:
        feasibility.full_clean(exclude=["request"])
    except ValidationError as exc:
        raise _first_error(exc) from exc
    if feasibility.deadline < _today():
        raise ClinicalError(_("Answers due by: a date from today on."), field="deadline")
    if error := bounds.date_error(feasibility.deadline, planned=True):  # far future: say the bounds, not "from today"
        raise ClinicalError(field_error(Feasibility._meta.get_field("deadline").verbose_name, error),
                            field="deadline")
    if error := bounds.date_error(feasibility.recruitment_start, planned=True):
        raise ClinicalError(field_error(Feasibility._meta.get_field("recruitment_start").verbose_name, error),
                            field="recruitment_start")
    title = (title or "").strip() or _("Feasibility: %(indication)s") % {"indication": feasibility.indication}
    if len(title) > desk_services.TITLE_MAX:
        raise ClinicalError(_("Title: at most %(max)d characters (this one has %(n)d).") % {
            "max": desk_services.TITLE_MAX, "n": len(title)}, field="title")
    now = now or timezone.now()
    from guichet.accounts.models import Membership

    membership = Membership.objects.filter(user=actor).select_related("organization").first()
    with transaction.atomic(durable=True):
        request = desk_services._request_create(  # the desk's own writer of a request (no transaction of its own)
            actor=actor, text=in_language(getattr(actor, "language", "") or translation.get_language(), _feasibility_text, data), title=title, confidential=confidential,
            organization=membership.organization if membership else None, files=(), now=now)
        feasibility.request = request
        feasibility.save()
        audit_record(actor=actor, action="feasibility.submit", entity_type="desk_request", entity_key=str(request.pk),
                     entity_label=request.title, changes={f: [None, str(data[f])] for f in FEASIBILITY_FIELDS})
        notify([actor], "desk_submitted", {"request": request})
        notify(desk_services._staff(), "desk_new", {"request": request})
    return feasibility


def feasibility_route(*, actor, feasibility: Feasibility, sites: list[Site], now=None):
    """Send the questionnaire to sites: a desk routing to each site's organization (its accounts are told)."""
    if not permissions.can_manage_clinical(actor):
        raise ClinicalError(_("Only the cluster team routes feasibility requests."))
    if not sites:
        raise ClinicalError(_("Choose at least one site."), field="sites")
    if feasibility.request.status == Status.CLOSED:
        raise ClinicalError(_("This feasibility request is closed."))
    try:
        return desk_services.request_route(
            actor=actor, request=feasibility.request, keys=[s.organization.key for s in sites],
            reasons=in_language(feasibility.request.language,
                             lambda: {s.organization.key: [str(s.get_kind_display())] for s in sites}), now=now)
    except desk_services.DeskError as exc:
        raise ClinicalError(str(exc), field="sites") from exc


def _summary(answer: FeasibilityAnswer) -> str:
    return _("Feasibility answer: %(n)d patient(s) expected, interest: %(interest)s.") % {
        "n": answer.estimate, "interest": answer.get_interest_display()} + (
        f"\n\n{answer.comment}" if answer.comment else "")


def feasibility_answer(*, actor, feasibility: Feasibility, routing: Routing, estimate: int, interest: str,
                       comment: str = "", now=None) -> FeasibilityAnswer:
    """A site answers with its estimate and its interest, once, by the deadline."""
    mine = {r.pk for r in permissions.answerable_routings(actor, feasibility)}
    if routing.request_id != feasibility.request_id or routing.pk not in mine:
        raise ClinicalError(_("Only the sites this request was routed to can answer it."))
    site = Site.objects.filter(organization_id=routing.provider_organization_id).first()
    if site is None:
        raise ClinicalError(_("This provider has no clinical site profile: answer in the conversation."))
    now = now or timezone.now()
    if feasibility.request.status == Status.CLOSED:
        raise ClinicalError(_("This feasibility request is closed."))
    if timezone.localdate(now) > feasibility.deadline:
        raise ClinicalError(_("The answers were due by %(day)s.") % {
            "day": feasibility.deadline.strftime("%d/%m/%Y")}, field="estimate")
    if interest not in Interest.values:
        raise ClinicalError(_("Interest: choose one of the proposed values."), field="interest")
    answer = FeasibilityAnswer(feasibility=feasibility, site=site, routing=routing, estimate=estimate,
                               interest=interest, comment=(comment or "").strip(), answered_by=actor,
                               answered_at=now)
    try:
        answer.full_clean(exclude=["feasibility", "site", "routing", "answered_by"], validate_unique=False)
    except ValidationError as exc:
        field, errors = next(iter(exc.error_dict.items()))
        raise ClinicalError(field_error(FeasibilityAnswer._meta.get_field(field).verbose_name, errors[0].messages[0]),
                            field=field) from exc
    try:
        with transaction.atomic(durable=True):
            answer.save()
            audit_record(actor=actor, action="feasibility.answer", entity_type="desk_request",
                         entity_key=str(feasibility.request_id), entity_label=feasibility.request.title,
                         changes={"site": [None, site.organization.key], "estimate": [None, estimate],
                                  "interest": [None, interest]})
            desk_services._respond(routing=routing, action="decline" if interest == Interest.NONE else "answer",
                                   message=in_language(feasibility.request.language, _summary, answer), now=now, actor=actor, durable=False)
    except IntegrityError as exc:
        raise ClinicalError(_("This site has already answered.")) from exc
    except desk_services.DeskError as exc:
        raise ClinicalError(str(exc)) from exc
    return answer


def feasibility_close(*, actor, feasibility: Feasibility, chosen: list[int], note: str = "",
                      now=None) -> Feasibility:
    """The cluster team closes the request with the sites chosen among those that answered; each answering
    site is told whether it was chosen."""
    if not permissions.can_manage_clinical(actor):
        raise ClinicalError(_("Only the cluster team closes feasibility requests."))
    answers = {a.site_id: a for a in feasibility.answers.select_related("site__organization")}
    unknown = [pk for pk in chosen if pk not in answers]
    if unknown:
        raise ClinicalError(_("Only sites that answered can be chosen."), field="chosen")
    now = now or timezone.now()
    names = [answers[pk].site.organization.name for pk in chosen]
    with transaction.atomic(durable=True):
        FeasibilityAnswer.objects.filter(feasibility=feasibility).update(chosen=False)
        FeasibilityAnswer.objects.filter(feasibility=feasibility, site_id__in=chosen).update(chosen=True)
        try:
            desk_services.request_close_within(
                actor=actor, request=feasibility.request, outcome=Outcome.INTRODUCTION if chosen else Outcome.NO_MATCH,
                note=(note.strip() or _("Sites chosen: %(sites)s") % {"sites": ", ".join(names) or "—"}),
                outcome_key="", now=now)
        except desk_services.DeskError as exc:
            raise ClinicalError(str(exc)) from exc
        audit_record(actor=actor, action="feasibility.close", entity_type="desk_request",
                     entity_key=str(feasibility.request_id), entity_label=feasibility.request.title,
                     changes={"chosen": [None, sorted(answers[pk].site.organization.key for pk in chosen)]})
        for answer in answers.values():
            answer.chosen = answer.site_id in chosen
            notify(desk_services.responders(answer.routing), "feasibility_closed",
                   {"feasibility": feasibility, "request": feasibility.request, "answer": answer})
    return feasibility


def inclusions_record(*, actor, trial_site, on: date, total: int) -> InclusionCount:
    """Patients included at a site to date. Counts are cumulative: never below an earlier one, never above
    a later one."""
    if not permissions.can_record_inclusions(actor, trial_site):
        raise ClinicalError(_("Only the cluster team and the site's accounts record inclusions."))
    if error := bounds.date_error(on):
        raise ClinicalError(field_error(InclusionCount._meta.get_field("on").verbose_name, error), field="on")
    if on > _today():
        raise ClinicalError(_("Counted on: a date up to today."), field="on")
    if not isinstance(total, int) or total < 0 or total > 100_000:
        raise ClinicalError(_("Patients included to date: a whole number from 0 to 100,000."), field="total")
    with transaction.atomic(durable=True):
        earlier = (InclusionCount.objects.filter(trial_site=trial_site, on__lt=on).order_by("-on")
                   .values_list("total", flat=True).first())
        later = (InclusionCount.objects.filter(trial_site=trial_site, on__gt=on).order_by("on")
                 .values_list("total", flat=True).first())
        if (earlier is not None and total < earlier) or (later is not None and total > later):
            raise ClinicalError(_("Inclusions are counted to date: %(n)d is below an earlier count or above "
                                  "a later one.") % {"n": total}, field="total")
        before = InclusionCount.objects.filter(trial_site=trial_site, on=on).values_list("total", flat=True).first()
        count, _created = InclusionCount.objects.update_or_create(trial_site=trial_site, on=on,
                                                                  defaults={"total": total})
        audit_record(actor=actor, action="trial.inclusions", entity_type="trial", entity_key=str(trial_site.trial_id),
                     entity_label=str(trial_site), changes={"on": [None, on.isoformat()], "total": [before, total]})
    return count


# --- site profiles (issue 11) ---
SITE_PROFILE_FIELDS = ("kind", "indications", "areas", "phases", "investigators", "beds", "phase_i_beds",
                       "biobank_collections", "certifications")


def site_update(*, actor, site: Site, **data) -> Site:
    """A site's capability profile, kept by its own accounts or the cluster team: checked whole (a refusal names
    its field, nothing is written), saved and audited in one transaction."""
    from django.utils.text import capfirst

    from guichet.core.services import record_save
    from guichet.directory.models import TherapeuticArea

    from .models import Phase

    if not permissions.can_edit_site(actor, site):
        raise ClinicalError(_("Only the site's accounts and the cluster team keep its profile."))
    unknown = set(data) - set(SITE_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    for name, choices in (("areas", TherapeuticArea.values), ("phases", Phase.values)):
        if name in data and (not isinstance(data[name], list) or set(data[name]) - set(choices)):
            label = capfirst(Site._meta.get_field(name).verbose_name)
            raise ClinicalError(field_error(label, _("choose from the list.")), field=name)
    with transaction.atomic(durable=True):
        record = Site.objects.select_for_update().get(pk=site.pk)
        for name, value in data.items():
            setattr(record, name, value.strip() if isinstance(value, str) else value)
        try:
            record.full_clean(exclude=["organization"])
        except ValidationError as exc:
            field, errors = next(iter(exc.error_dict.items()))
            label = capfirst(Site._meta.get_field(field).verbose_name)
            raise ClinicalError(field_error(label, errors[0].messages[0]), field=field) from None
        record_save(actor=actor, record=record, is_new=False)
    return record
