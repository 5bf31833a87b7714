from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Boards")

    def ready(self):
        from django.db.backends.signals import connection_created

        from accounts import data

        from .actions import erase_member_content, export_member_content
        from .search import register_sqlite_functions

        data.register("forum", export=export_member_content, erase=erase_member_content)
        connection_created.connect(register_sqlite_functions, dispatch_uid="hearth_sqlite_functions")
