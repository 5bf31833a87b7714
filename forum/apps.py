from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Boards")

    def ready(self):
        from accounts import data

        from .actions import erase_member_content, export_member_content

        data.register("forum", export=export_member_content, erase=erase_member_content)
