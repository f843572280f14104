"""The team's screens for calls and their scoring grids: saves through calls.services (checked and audited).
Proposals and review assignments change through their pages only (submission, declarations, scores, decisions):
shown here, never edited."""

from django import forms
from django.contrib import admin

from guichet.core.admin import ReadOnlyAdmin, ServiceBackedAdmin, ServiceBackedInline

from . import services
from .models import Assignment, Call, Criterion, Proposal


class CriterionInline(ServiceBackedInline, admin.TabularInline):
    model = Criterion
    extra = 0
    save_service = services.criterion_save


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = ["key", "status", "title_fr", "title_en", "text_fr", "text_en", "funder", "opens_at", "deadline",
                  "eligible_kinds", "consortium_required", "budget_ceiling_eur", "total_budget_eur"]

    def clean(self):
        data = super().clean()
        probe = Call(**{k: data.get(k) for k in ("opens_at", "deadline", "budget_ceiling_eur")},
                     eligible_kinds=data.get("eligible_kinds") if data.get("eligible_kinds") is not None else [])
        try:
            services.call_check(probe)
        except services.CallError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))
        return data


@admin.register(Call)
class CallAdmin(ServiceBackedAdmin):
    form = CallForm
    list_display = ("key", "title_fr", "status", "deadline", "budget_ceiling_eur")
    list_filter = ("status",)
    search_fields = ("key", "title_fr", "title_en")
    inlines = [CriterionInline]
    save_service = services.call_save

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.proposals.exists():  # proposals keep their call
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("acronym", "call", "lead", "status", "submitted_at")
    list_filter = ("status", "call")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "reviewer", "status", "assigned_at")
    list_filter = ("status",)
