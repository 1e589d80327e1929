from django.urls import path

from . import views

urlpatterns = [
    path("mine/", views.my_equipment, name="mine"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request-decide"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    path("requests/<int:pk>/start/", views.request_start, name="request-start"),
    path("requests/<int:pk>/prepare/", views.request_prepare, name="request-prepare"),
    path("requests/<int:pk>/hand-over/", views.request_hand_over, name="request-hand-over"),
    path("loans/", views.loan_list, name="loans"),
    path("loans/check-out/", views.loan_check_out, name="loan-checkout"),
    path("loans/check-in/", views.loan_check_in, name="loan-checkin"),
    path("loans/<int:pk>/", views.loan_detail, name="loan"),
    path("loans/<int:pk>/extend/", views.loan_extend, name="loan-extend"),
    path("loans/<int:pk>/lost/", views.loan_declare_lost, name="loan-lost"),
    path("loans/<int:pk>/return-items/", views.loan_return_items, name="loan-return-items"),
    path("receipts/<int:pk>/", views.receipt_download, name="receipt"),
    path("board/", views.board, name="board"),
    path("board/new/", views.run_create, name="run-create"),
    path("board/sheet/", views.day_sheet, name="day-sheet"),
    path("runs/<int:pk>/status/", views.run_status, name="run-status"),
    path("recoveries/", views.recovery_list, name="recoveries"),
]
