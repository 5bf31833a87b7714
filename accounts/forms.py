"""Forms of the member's own account pages."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import User


class LoginForm(AllauthLoginForm):
    """Sign-in, with the choice to stay signed in spelled out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth names the field "Username" (label and placeholder): here it is a pseudonym.
        self.fields["login"].label = _("Pseudonym")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            days = settings.SESSION_COOKIE_AGE // 86400
            self.fields["remember"].label = ngettext(
                "Keep me signed in on this device for %(days)d day",
                "Keep me signed in on this device for %(days)d days",
                days,
            ) % {"days": days}
            self.fields["remember"].help_text = _(
                "Leave this off on a shared phone or computer: you are then signed out when the "
                "browser closes, or after a while without a visit."
            )


class SignupForm(AllauthSignupForm):
    """Sign-up: allauth sets the field's label to "Username" after the extra form's
    __init__ ran, so the pseudonym's label is set here, once allauth is done."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "username" in self.fields:
            self.fields["username"].label = _("Pseudonym")
            self.fields["username"].widget.attrs.pop("placeholder", None)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["quick_exit_signs_out", "language"]
        labels = {"language": _("Language of the pages")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The one my browser asks for"))] + [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Please enter your password.")},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password


class DeleteAccountForm(PasswordConfirmForm):
    KEEP = "keep"
    DELETE = "delete"
    content = forms.ChoiceField(
        label=_("What happens to what you wrote?"),
        widget=forms.RadioSelect,
        choices=[
            (DELETE, _("Delete all my posts. Topics I started lose their title; others' replies stay.")),
            (KEEP, _("Keep my posts, signed “former member”.")),
        ],
        initial=DELETE,
        error_messages={"required": _("Please choose what happens to your posts.")},
    )
    field_order = ["content", "password"]



class RecoverForm(forms.Form):
    username = forms.CharField(label=_("Pseudonym"), max_length=60)
    code = forms.CharField(
        label=_("One of your recovery codes"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
    password1 = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        elif data.get("password1"):
            try:
                validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class InviteForm(forms.Form):
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=30, initial=7,
        error_messages={"min_value": ngettext_lazy("At least %(limit_value)s day.",
                                                   "At least %(limit_value)s days.", "limit_value"),
                        "max_value": ngettext_lazy("At most %(limit_value)s day.",
                                                   "At most %(limit_value)s days.", "limit_value"),
                        "invalid": _("Please give a whole number of days.")},
    )  # fmt: skip
    uses = forms.IntegerField(
        label=_("How many people may join with this invite"), min_value=1, max_value=20, initial=1,
        error_messages={"min_value": _("At least %(limit_value)s."),
                        "max_value": _("At most %(limit_value)s."),
                        "invalid": _("Please give a whole number.")},
    )  # fmt: skip
