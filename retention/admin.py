"""Retention rules in the admin, each with how many rows the next run will delete."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import engine
from .models import BoardRetention, ExpiryChoice, Kind, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "days", "measured_from", "due_now")
    list_editable = ("days",)
    ordering = ("kind",)

    def get_queryset(self, request):
        for kind in Kind.values:
            RetentionRule.for_kind(kind)
        self._due = engine.counts_by_kind()
        return super().get_queryset(request)

    @admin.display(description=_("rows the next run deletes"))
    def due_now(self, rule):
        return getattr(self, "_due", {}).get(rule.kind, 0)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BoardRetention)
class BoardRetentionAdmin(admin.ModelAdmin):
    list_display = ("board", "days", "measured_from")


@admin.register(ExpiryChoice)
class ExpiryChoiceAdmin(admin.ModelAdmin):
    list_display = ("days",)
