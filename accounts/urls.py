from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("data/", views.data_export, name="data_export"),
    path("delete/", views.delete_account, name="delete_account"),
    path("wipe/", views.panic_wipe, name="panic_wipe"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("recover/", views.recover, name="recover"),
    path("invites/", views.invite_list, name="invites"),
    path("invites/<int:pk>/revoke/", views.invite_revoke, name="invite_revoke"),
]
