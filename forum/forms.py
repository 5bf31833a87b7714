"""Forms for writing topics and posts."""

import datetime

from django import forms
from django.conf import settings

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from accounts.timeutil import coarse_now

from . import expiry

TITLE_MAX = settings.HEARTH["TOPIC_TITLE_MAX"]
BODY_MAX = settings.HEARTH["POST_BODY_MAX"]


class PostBodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", pgettext_lazy("noun", "Text"))
        kwargs.setdefault(
            "help_text",
            _("Markdown works: *italic*, **bold**, [a link](https://…), lists and quotes."),
        )
        super().__init__(
            max_length=BODY_MAX,
            strip=True,
            widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
            error_messages={
                "required": _("Please write something."),
                "max_length": _(
                    "Please keep a post under %(limit_value)d characters "
                    "(it has %(show_value)d)."
                ),
            },
            **kwargs,
        )


class ExpiryMixin:
    """An optional sooner end the member chooses, from the choices the admin allows."""

    expiry_help = _("Choose a sooner end if you like: it is then deleted for good.")

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_expiry(board)

    def add_expiry(self, board):
        days = expiry.choices_for(board) if board is not None else []
        if not days:
            return
        choices = [("", _("When the board's rule ends it"))] + [
            (str(d), ngettext("After %(count)d day", "After %(count)d days", d) % {"count": d})
            for d in days
        ]
        self.fields["expires_in"] = forms.TypedChoiceField(
            label=_("Disappears"),
            choices=choices,
            coerce=int,
            empty_value=None,
            required=False,
            help_text=self.expiry_help,
            error_messages={"invalid_choice": _("Please pick one of the offered choices.")},
        )

    def expires_at(self):
        """Return the chosen end, from the hour (an exact time would date the post)."""
        days = self.cleaned_data.get("expires_in")
        return coarse_now() + datetime.timedelta(days=days) if days else None


class PostForm(ExpiryMixin, forms.Form):
    body = PostBodyField()


class TopicForm(ExpiryMixin, forms.Form):
    expiry_help = _(
        "Choose a sooner end if you like: the topic is then deleted for good, "
        "with every reply in it."
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        strip=True,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("Titles show in lists and browser tabs: keep names and places out of them."),
        error_messages={
            "required": _("Please give the topic a title."),
            "max_length": _(
                "Please keep the title under %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    body = PostBodyField()


class SearchForm(forms.Form):
    """What a member searches for: plain words, checked like every other input."""

    q = forms.CharField(
        label=_("Words to look for"),
        max_length=200,
        strip=True,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto", "maxlength": 200}),
        error_messages={
            "max_length": _(
                "Please search for fewer words: at most %(limit_value)d characters "
                "(this has %(show_value)d)."
            ),
        },
    )
