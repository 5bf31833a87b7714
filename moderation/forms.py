"""Forms for reports and moderator actions: every action needs a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.forms import PostBodyField

from .actions import MAX_SUSPENSION_DAYS
from .models import Reason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what is wrong.")},
    )
    note = forms.CharField(
        label=_("Anything a moderator should know (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Moderators read this. The member you report never learns who reported."),
        error_messages={"max_length": _("Please keep the note under %(limit_value)d characters.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=_("Kept in the moderation log. Members only ever see “a moderator”."),
        error_messages={
            "required": _("Please give a reason."),
            "max_length": _("Please keep the reason under %(limit_value)d characters."),
        },
    )


class EditForm(ReasonForm):
    body = PostBodyField()
    # A fingerprint of the text the moderator saw: their edit does not overwrite a newer one.
    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class MoveForm(ReasonForm):
    board = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Please choose a board you moderate.")},
    )

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards


class SuspendForm(ReasonForm):
    days = forms.IntegerField(
        label=_("For how many days"),
        min_value=1,
        max_value=MAX_SUSPENSION_DAYS,
        initial=7,
        error_messages={
            "required": _("Please say for how many days."),
            "invalid": _("Please give a whole number of days."),
            "min_value": _("A suspension lasts at least %(limit_value)s day."),
            "max_value": _("A suspension lasts at most %(limit_value)s days; ban instead."),
        },
    )
    replace = forms.BooleanField(
        label=_("Change the suspension that is running"),
        required=False,
        help_text=_("Only if the member is already suspended: the new length counts from now."),
    )


class BranchForm(ReasonForm):
    action = forms.ChoiceField(
        label=_("For this member and everyone their invites brought in"),
        choices=[("hold", _("Hold every post")), ("suspend", _("Suspend"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what to do.")},
    )
    days = forms.IntegerField(
        label=_("Suspension in days"), required=False, min_value=1, max_value=MAX_SUSPENSION_DAYS,
        error_messages={"min_value": _("A suspension lasts at least %(limit_value)s day."),
                        "max_value": _("A suspension lasts at most %(limit_value)s days; ban instead.")},
    )  # fmt: skip
    field_order = ["action", "days", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("action") == "suspend" and not data.get("days"):
            self.add_error("days", _("Please say for how many days."))
        return data
