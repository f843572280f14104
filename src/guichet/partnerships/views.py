from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render

from .models import Partnership, Stage


@login_required
def board(request):
    """Partnerships by stage: staff see all; members see those their organizations are party to."""
    qs = Partnership.objects.prefetch_related("parties", "stage_changes")
    if not request.user.is_staff:
        qs = qs.filter(Q(parties__memberships__user=request.user)).distinct()
    columns = {s: [] for s in Stage.values}
    for p in qs:
        if p.stage:
            columns[p.stage].append(p)
    return render(request, "partnerships/board.html", {
        "columns": [(label, columns[value]) for value, label in Stage.choices]})
