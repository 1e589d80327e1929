from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("surveys/", views.survey_list, name="survey-list"),
    path("surveys/new/", views.survey_create, name="survey-create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/sections/", views.section_add, name="section-add"),
    path("surveys/<int:pk>/copy/", views.survey_copy, name="survey-copy"),
    path("surveys/<int:pk>/preview/<str:language>/", views.survey_preview, name="survey-preview"),
    path("sections/<int:pk>/questions/new/", views.question_add, name="question-add"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/launch/", views.campaign_launch, name="campaign-launch"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("campaigns/<int:pk>/results/", views.campaign_results, name="campaign-results"),
    path("campaigns/<int:pk>/comments/", views.campaign_comments, name="campaign-comments"),
    path("campaigns/<int:pk>/comments.csv", views.campaign_comments_export, name="campaign-comments-export"),
    path("campaigns/<int:pk>/responses.<str:fmt>", views.campaign_export, name="campaign-export"),
    path("csat/", views.csat_results, name="csat-results"),
    path("csat/thanks/", views.csat_done, name="csat-done"),
    path("csat/rate/<str:token>/", views.csat_answer, name="csat"),
    path("follow-ups/", views.follow_up_list, name="follow-up-list"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow-up-detail"),
    path("answer/done/", views.answer_done, name="answer-done"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("answer/<str:token>/opt-out/", views.opt_out, name="opt-out"),
    path("answer/<str:token>/<int:step>/", views.answer_section, name="answer-section"),
]
