"""The sign-up form's own fields (a module of its own: allauth imports it while building its forms)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupExtraForm(forms.Form):
    """What sign-up asks besides pseudonym and password: the newcomer's answer, in approval mode."""

    answer = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("A moderator reads this before letting you in. Please do not write names or places."),
        error_messages={"max_length": _("Please keep your answer under %(limit_value)d characters.")},
    )

    invite = forms.CharField(
        label=_("Invite code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Joining here needs an invite from a member."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import RegistrationMode, SiteSettings

        site = SiteSettings.load()
        if "username" in self.fields:
            self.fields["username"].label = _("Pseudonym")
            self.fields["username"].widget.attrs["placeholder"] = ""
            self.fields["username"].help_text = _(
                "3 to 30 letters, digits, “_” or “-”. Do not use a name that identifies you."
            )
        if site.registration_mode == RegistrationMode.INVITE:
            self.fields["invite"].required = True
            self.fields["invite"].error_messages["required"] = _("Please enter your invite code.")
        else:
            del self.fields["invite"]
        if site.registration_mode == RegistrationMode.APPROVAL:
            self.fields["answer"].label = site.question_for_newcomers
            self.fields["answer"].required = True
            self.fields["answer"].error_messages["required"] = _("Please answer the question.")
        else:
            del self.fields["answer"]

    def clean_invite(self):
        """One answer for every code that does not open the door, whatever the reason."""
        from .invites import find_usable

        code = self.cleaned_data.get("invite", "").strip()
        if find_usable(code) is None:
            raise forms.ValidationError(_("This invite code cannot be used."), code="invite")
        return code

    def clean_answer(self):
        """Keep the answer as plain text without control characters (it is escaped when shown)."""
        answer = self.cleaned_data.get("answer", "")
        return "".join(c for c in answer if c in "\n\t" or c.isprintable()).strip()

    def signup(self, request, user):
        """Nothing more to do: the adapter saved the answer with the account."""
