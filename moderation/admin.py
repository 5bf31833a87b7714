"""The moderation log and report cases, read-only for admins."""

from django.contrib import admin

from .models import Case, LogEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_name", "action", "target_text", "target_member_name", "reason")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_member_name", "target_label")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "urgency", "report_count", "opened_at", "resolved_at", "resolution")
    list_filter = ("resolution",)
