from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("", views.board_index, name="board_index"),
    path("search/", views.search, name="search"),
    path("rules/", views.rules, name="rules"),
    path("boards/<int:pk>/", views.board_detail, name="board_detail"),
    path("boards/<int:pk>/new/", views.topic_create, name="topic_create"),
    path("boards/<slug:slug>/", views.board_by_address, name="board_by_address"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("topics/<int:pk>/reply/", views.reply_create, name="reply_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
]
