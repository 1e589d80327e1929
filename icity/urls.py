from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import token_views, views
from .api import ApiRootView, MeView, ObtainTokenView
from .forms import LoginForm, OutboxPasswordResetForm
from .readiness import readyz

icity_patterns = [
    path("", views.home, name="home"),
    path("home/<slug:role>/", views.role_home, name="role-home"),
    path("language/", views.set_language, name="set-language"),
    path("favicon.ico", views.favicon),
    path("ops/mail/", views.mail_outbox, name="mail-outbox"),
    path("ops/mail/<str:name>", views.mail_message, name="mail-message"),
    path("accounts/tokens/", token_views.token_list, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
]

auth_patterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

api_patterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
]

urlpatterns = [
    path("", include((icity_patterns, "icity"))),
    *auth_patterns,
    path("healthz", views.healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("tickets/", include("tickets.urls")),
    path("help/", include("knowledge.urls")),
    # Inventory (assets) and loans share the equipment/ prefix and the "assets" namespace their
    # pages have always had: loans became an app of its own without changing a URL or its name.
    path("equipment/", include(([path("", include("loans.urls")), path("", include("assets.urls"))], "assets"))),
    path("schools/", include("schools.urls")),
    path("surveys/", include("surveys.urls")),
    path("kpis/reports/", include("kpis.reports.urls")),
    path("kpis/", include("kpis.urls")),
    path("", include("kpis.metrics_urls")),
    path("api/v1/", include(api_patterns)),
    path("api/v1/", include("tickets.api_urls")),
    path("api/v1/", include("knowledge.api_urls")),
    path("api/v1/", include("assets.api_urls")),
    path("api/v1/", include("loans.api_urls")),
    path("api/v1/", include("schools.api_urls")),
    path("api/v1/", include("surveys.api_urls")),
    path("api/v1/", include("kpis.api_urls")),
    path("api/v1/", include("kpis.reports.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "icity.views.bad_request"
handler403 = "icity.views.permission_denied"
handler404 = "icity.views.page_not_found"
handler500 = "icity.views.server_error"
