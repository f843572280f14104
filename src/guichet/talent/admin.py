"""The team's screens for postings: saves through talent.services (checked and audited). Applications are read
here (the cluster team may read them), never edited: their status changes through the poster's page."""

from django import forms
from django.contrib import admin

from guichet.core.admin import ReadOnlyAdmin, ServiceBackedAdmin

from . import services
from .models import Application, Posting


class PostingForm(forms.ModelForm):
    class Meta:
        model = Posting
        fields = ["organization", "posted_by", "kind", "contract", "language", "title", "description", "location",
                  "starts_on", "expires_on"]

    def clean(self):
        data = super().clean()
        probe = Posting(pk=self.instance.pk, status=self.instance.status,
                        **{k: data.get(k) for k in ("kind", "contract", "language", "title", "description",
                                                    "location", "starts_on", "expires_on")})
        try:
            services.posting_check(probe, is_new=self.instance.pk is None)
        except services.TalentError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))
        return data


@admin.register(Posting)
class PostingAdmin(ServiceBackedAdmin):
    form = PostingForm
    list_display = ("title", "organization", "kind", "status", "expires_on", "published_at")
    list_filter = ("kind", "status")
    search_fields = ("title", "organization__name")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("posted_by",)
    save_service = services.posting_save

    def has_delete_permission(self, request, obj=None):
        # A posting with applications is closed, not deleted: the applicants' records stay with it.
        if obj is not None and obj.applications.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "posting", "status", "created_at")
    list_filter = ("status",)
    exclude = ("cv",)
