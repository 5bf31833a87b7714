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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import RegistrationMode, SiteSettings

        site = SiteSettings.load()
        if site.registration_mode == RegistrationMode.APPROVAL:
            self.fields["answer"].label = site.approval_question
            self.fields["answer"].required = True
            self.fields["answer"].error_messages["required"] = _("Please answer the question.")
        else:
            del self.fields["answer"]

    def clean_answer(self):
        """Keep the answer as plain text without control characters (it is escaped when shown)."""
        answer = self.cleaned_data.get("answer", "")
        return "".join(c for c in answer if c in "\n\t" or c.isprintable()).strip()

    def signup(self, request, user):
        """Nothing more to do: the adapter saved the answer with the account."""
