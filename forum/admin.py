"""Boards in the admin, with their names and descriptions in every language."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Board


@admin.register(Board)
class BoardAdmin(TranslationAdmin):
    list_display = ("name", "slug", "visibility", "requires_approval", "position", "topic_count")
    list_editable = ("position",)
    list_filter = ("visibility", "requires_approval")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("moderators",)
    search_fields = ("name", "slug")
