from django.urls import path

from . import manage_views, views

app_name = "knowledge"

urlpatterns = [
    path("", views.help_centre, name="home"),
    path("search/", views.search_page, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:article_id>/", views.article_detail, name="article"),
    path("<int:article_id>/vote/", views.article_vote, name="vote"),
    path("files/<int:file_id>/", views.file_download, name="file"),
    path("files/<int:file_id>/image/", views.file_image, name="image"),
    path("manage/", manage_views.manage_list, name="manage"),
    path("manage/new/", manage_views.article_new, name="new"),
    path("manage/<int:article_id>/", manage_views.article_edit, name="edit"),
    path("manage/<int:article_id>/status/", manage_views.article_status, name="status"),
    path("manage/<int:article_id>/files/", manage_views.article_file, name="upload"),
    path("manage/<int:article_id>/history/", manage_views.history, name="history"),
    path("manage/versions/<int:version_id>/", manage_views.version_diff, name="diff"),
    path("manage/versions/<int:version_id>/restore/", manage_views.version_restore, name="restore"),
    path("ticket/<str:reference>/link/", manage_views.reply_link, name="reply-link"),
    path("ticket/<str:reference>/draft/", manage_views.draft_from_ticket, name="draft-from-ticket"),
]
