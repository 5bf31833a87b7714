"""Retention rules in the admin, each with how many rows the next run will delete."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import engine
from .models import BoardRetention, ExpiryChoice, Kind, RetentionRule


def _due_column(counts: dict, key):
    """Return a list_display column reading this request's counts (admins are shared objects)."""

    @admin.display(description=_("rows the next run deletes"))
    def due_now(obj):
        return counts.get(key(obj), 0)

    return due_now


class RuleRowForm(forms.ModelForm):
    """One row of the rules list: its days field is named for screen readers (the admin's
    list_editable inputs have no label of their own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "days" in self.fields:
            self.fields["days"].widget.attrs["aria-label"] = (
                f"{self.instance.get_kind_display()}: {RetentionRule._meta.get_field('days').verbose_name}"
            )


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "days", "measured_from")
    list_editable = ("days",)
    ordering = ("kind",)
    change_list_template = "admin/retention/retentionrule/change_list.html"

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=RuleRowForm, **kwargs)

    def get_list_display(self, request):
        counts = engine.counts_by_kind()
        return (*self.list_display, _due_column(counts, lambda rule: rule.kind))

    def changelist_view(self, request, extra_context=None):
        for kind in Kind.values:  # every kind has its row, with its default
            RetentionRule.for_kind(kind)
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path("next-run/", self.admin_site.admin_view(self.next_run_view),
                 name="retention_retentionrule_next_run"),
            *super().get_urls(),
        ]  # fmt: skip

    def next_run_view(self, request):
        """Show, kind by kind and board by board, what the next run of `expire` deletes."""
        from forum.models import Board

        ctx = engine.Context.load()
        parts = []
        for part in engine.REGISTRY:
            due = {label: rows for label, rows in sorted(part.due_counts(ctx).items(), reverse=True)}
            if due:  # a part that has nothing to count (a path another part counts) is left out
                parts.append({"kind": Kind(part.kind).label, "rule": ctx.rules[part.kind], "label": part.title,
                              "rows": sum(due.values()),
                              "detail": ", ".join(engine.describe(label, n) for label, n in due.items())})  # fmt: skip
        by_board = engine.counts_by_board(ctx=ctx)
        overrides = {o.board_id: o for o in ctx.boards}
        site_rule = ctx.rules[Kind.POSTS]
        boards = [
            {"board": board, "rule": overrides.get(board.pk, site_rule),
             "own_rule": board.pk in overrides, **by_board.get(board.pk, {"topics": 0, "posts": 0})}
            for board in Board.objects.order_by("position", "id")
        ]  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "title": _("What the next run deletes"),
            "opts": self.model._meta,
            "parts": parts,
            "total": sum(p["rows"] for p in parts),
            "boards": boards,
            "now": ctx.now,
        }
        return TemplateResponse(request, "admin/retention/next_run.html", context)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BoardRetention)
class BoardRetentionAdmin(admin.ModelAdmin):
    list_display = ("board", "days", "measured_from")

    def get_list_display(self, request):
        by_board = engine.counts_by_board()
        counts = {board_id: sum(rows.values()) for board_id, rows in by_board.items()}
        return (*self.list_display, _due_column(counts, lambda override: override.board_id))


@admin.register(ExpiryChoice)
class ExpiryChoiceAdmin(admin.ModelAdmin):
    list_display = ("days",)
