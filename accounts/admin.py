"""Members and site settings in the admin: only what an admin needs, no more."""

from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import SiteSettings, User


# Both forms run User.clean, which refuses a pseudonym that looks like another member's
# (pseudonyms.check_not_look_alike, the rule sign-up uses) as an error on the field.
class HearthUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class HearthUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = HearthUserChangeForm
    add_form = HearthUserCreationForm
    list_display = ("username", "is_active", "is_global_moderator", "is_staff", "date_joined")
    list_filter = ("is_active", "is_global_moderator", "is_staff", "posts_held")
    search_fields = ("username",)
    ordering = ("username",)
    readonly_fields = ("date_joined", "last_login", "approved_post_count")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Role"),
            {"fields": ("is_active", "is_global_moderator", "is_staff", "is_superuser", "groups")},
        ),
        (_("Moderation"), {"fields": ("posts_held", "suspended_until", "approved_post_count")}),
        (_("Dates (to the day)"), {"fields": ("date_joined", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),)
    filter_horizontal = ("groups",)


@admin.register(SiteSettings)
class SiteSettingsAdmin(TranslationAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


# Hearth stores no email address: django-allauth's email tables stay empty (a test keeps
# them so) and have no place in the admin.
admin.site.unregister(EmailAddress)
