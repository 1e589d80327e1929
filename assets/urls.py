from django.urls import path

from . import views

# No app_name: icity/urls.py mounts these with the loans' pages under the "assets" namespace
# (equipment/), so the names users and templates know (assets:list, assets:requests…) stay.

urlpatterns = [
    path("logistics/", views.logistics, name="logistics"),
    path("assets/", views.asset_list, name="list"),
    path("assets/new/", views.asset_create, name="create"),
    path("assets/bulk/", views.asset_bulk_change, name="bulk"),
    path("assets/export/", views.asset_export, name="export"),
    path("assets/labels/", views.asset_labels, name="labels"),
    path("a/<str:tag>/", views.asset_detail, name="detail"),
    path("a/<str:tag>/status/", views.asset_status, name="status"),
    path("a/<str:tag>/move/", views.asset_move, name="move"),
    path("a/<str:tag>/edit/", views.asset_edit, name="edit"),
    path("scan/", views.scan, name="scan"),
    path("models/<int:pk>/photo/", views.model_photo, name="model-photo"),
    path("stock/", views.stock_list, name="stock"),
    path("stock/move/", views.stock_move, name="stock-move"),
    path("stock/<int:pk>/", views.stock_level, name="stock-level"),
    path("stocktakes/", views.stocktake_list, name="stocktakes"),
    path("stocktakes/<int:pk>/", views.stocktake_detail, name="stocktake"),
    path("stocktakes/<int:pk>/confirm/", views.stocktake_confirm, name="stocktake-confirm"),
    path("imports/", views.import_upload, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
]
