"""Start-up configuration: bad environment stops the app with a message naming the variable."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
_STRIPPED = {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "ICITY_TESTING"}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in _STRIPPED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(tmp_path) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "icity.example",
        "SITE_URL": "https://icity.example",
        "ICITY_VAR_DIR": str(tmp_path),
    }


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "variable,value",
    [
        ("SECRET_KEY", ""),
        ("DJANGO_DEBUG", "maybe"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("DATABASE_URL", "mysql://root@localhost/icity"),
        ("REDIS_URL", "localhost:6379"),
        ("ALLOWED_HOSTS", ""),
        ("EMAIL_PORT", "smtp"),
        ("EMAIL_IMAP_CA_FILE", "/nonexistent/city-ca.pem"),
        ("FIELD_ENCRYPTION_KEYS", "not-a-fernet-key"),
    ],
)
def test_bad_environment_stops_start_up_naming_the_variable(tmp_path, variable, value):
    env = {**_production_env(tmp_path), variable: value}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert f"Environment variable {variable}" in result.stderr


def test_oidc_needs_its_endpoints(tmp_path):
    result = _manage("check", OIDC_RP_CLIENT_ID="icity", ICITY_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "Environment variable OIDC_RP_CLIENT_SECRET" in result.stderr


def test_oidc_enabled_offers_single_sign_on(tmp_path):
    env = {
        "OIDC_RP_CLIENT_ID": "icity",
        "OIDC_RP_CLIENT_SECRET": "secret",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://login.example/token",
        "OIDC_OP_USER_ENDPOINT": "https://login.example/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://login.example/keys",
        "ICITY_VAR_DIR": str(tmp_path),
    }
    script = (
        "import django; django.setup(); from django.urls import reverse; from django.conf import settings;"
        "print(reverse('oidc_authentication_init'), settings.AUTHENTICATION_BACKENDS[-1])"
    )
    result = _manage("shell", "-c", script, **env)
    assert result.returncode == 0, result.stderr
    assert "/oidc/authenticate/ icity.oidc.ICityOIDCBackend" in result.stdout


def test_security_headers_on_every_page(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_carries_inline_script(client, admin_user):
    client.force_login(admin_user)
    for url in [reverse("login"), reverse("icity:home"), reverse("icity:role-home", args=["admin"])]:
        content = client.get(url, follow=True).content.decode()
        assert "<script>" not in content and "onclick=" not in content


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_https_redirect_spares_the_health_check(client, db):
    assert client.get(reverse("login")).status_code == 301
    assert client.get(reverse("healthz")).status_code in (200, 503)


def test_the_embedded_broker_keeps_its_runtime_files_under_var(settings):
    """kombu's filesystem transport writes its exchange tables to ./control unless told otherwise;
    they belong with the queue under the ignored var/ folder, not in the source tree."""
    if settings.CELERY_BROKER_URL != "filesystem://":
        pytest.skip("the filesystem broker is used only without REDIS_URL")
    control = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["control_folder"])
    assert control.is_relative_to(settings.VAR_DIR)
    tracked = subprocess.run(["git", "ls-files", "control"], capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert tracked.stdout == ""
