from django.contrib import admin

from .models import FundingRound, Headcount, Milestone, Startup


class RoundInline(admin.TabularInline):
    model = FundingRound
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Startup)
class StartupAdmin(admin.ModelAdmin):
    list_display = ("organization", "founded_on", "origin", "stage")
    inlines = [RoundInline, MilestoneInline]
    filter_horizontal = ("support", "founders")


@admin.register(Headcount)
class HeadcountAdmin(admin.ModelAdmin):
    list_display = ("organization", "on", "headcount")
