"""Forms for writing topics and posts."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class PostForm(forms.Form):
    body = PostBodyField()


class TopicForm(forms.Form):
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
