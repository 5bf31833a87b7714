from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("log/", views.log, name="log"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/dismiss/", views.case_dismiss, name="case_dismiss"),
    path("posts/<int:pk>/", views.post_tools, name="post_tools"),
    path("posts/<int:pk>/<slug:action>/", views.post_action, name="post_action"),
    path("topics/<int:pk>/", views.topic_tools, name="topic_tools"),
    path("topics/<int:pk>/<slug:action>/", views.topic_action, name="topic_action"),
    path("signups/<int:pk>/<slug:action>/", views.signup_action, name="signup_action"),
    path("members/<int:pk>/", views.member_tools, name="member_tools"),
    path("members/<int:pk>/invite-tree/", views.invite_tree, name="invite_tree"),
    path("members/<int:pk>/invite-tree/act/", views.invite_tree_action, name="invite_tree_action"),
    path("members/<int:pk>/<slug:action>/", views.member_action, name="member_action"),
]

report_urlpatterns = [
    path("report/posts/<int:pk>/", views.report_post, name="report_post"),
    path("report/topics/<int:pk>/", views.report_topic, name="report_topic"),
    path("report/posts/<int:pk>/author/", views.report_author, name="report_author"),
    path("notices/<int:pk>/dismiss/", views.notice_dismiss, name="notice_dismiss"),
]
