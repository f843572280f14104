from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import render

from guichet.antibodies.permissions import assessments_visible_to
from guichet.calls.models import Proposal
from guichet.calls.permissions import can_view_proposal
from guichet.directory.models import TherapeuticArea

from .models import Programme, ProgrammeStage
from .permissions import programmes_visible_to


def showcase(request):
    """The public showcase: public programmes only, whoever looks, by therapeutic area and stage."""
    programmes = programmes_visible_to(AnonymousUser()).select_related("owner").prefetch_related(
        "indications", "stage_changes")
    grid = defaultdict(list)
    for p in programmes:
        for area in {i.therapeutic_area for i in p.indications.all()} or {"other"}:
            grid[area].append(p)
    areas = dict(TherapeuticArea.choices)
    return render(request, "programmes/showcase.html", {
        "areas": [(areas.get(a, a), sorted(ps, key=lambda p: p.code)) for a, ps in sorted(grid.items())],
        "stages": ProgrammeStage.choices})


def programme_list(request):
    programmes = programmes_visible_to(request.user).select_related("owner").prefetch_related("stage_changes")
    return render(request, "programmes/list.html", {"programmes": programmes})


def programme_detail(request, code):
    programme = (programmes_visible_to(request.user, Programme.objects.filter(code=code))
                 .select_related("owner").prefetch_related("indications", "stage_changes", "partners",
                                                           "clinical_sites", "milestones").first())
    if programme is None:
        raise Http404
    # Only the assessments the viewer may see anyway (their own, or shared with their organization).
    # The call's proposal it was born from (issue 16): named to whoever sees the programme, opened only by those
    # who may read the proposal (it stays confidential to its applicant, reviewers and staff).
    origin = Proposal.objects.select_related("call").filter(programme=programme).first()
    return render(request, "programmes/detail.html", {
        "programme": programme, "assessments": assessments_visible_to(request.user).filter(programme=programme),
        "origin": origin, "origin_visible": origin is not None and can_view_proposal(request.user, origin)})
