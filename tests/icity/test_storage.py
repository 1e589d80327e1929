"""Stored files in an S3-compatible bucket (moto in-process): permission first, bucket private,
copy command resumable and checksum-verified. Local disk stays the default."""

import hashlib
from io import StringIO
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from moto import mock_aws

from tests.factories import make_user
from tests.tickets.factories import CategoryFactory, TeamFactory, open_ticket
from tests.tickets.test_uploads import png_bytes, upload

pytestmark = pytest.mark.django_db

BUCKET = "icity-files"
REGION = "eu-west-1"


@pytest.fixture
def bucket(settings):
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        settings.STORAGE_IS_S3 = True
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": REGION,
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": "private",
                    "querystring_auth": True,
                    "querystring_expire": 60,
                    "file_overwrite": False,
                    "signature_version": "s3v4",
                },
            },
        }
        yield boto3.client("s3", region_name=REGION)


def _keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.fixture
def ticket_with_file():
    owner, stranger = make_user(), make_user()
    category = CategoryFactory(default_team=TeamFactory())
    ticket = open_ticket(owner, category=category, uploads=[upload("plan.png", png_bytes(), "image/png")])
    return owner, stranger, ticket.attachments.get()


def test_local_disk_stays_the_default(settings):
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert not settings.STORAGE_IS_S3 and not settings.STORAGE_REDIRECT_DOWNLOADS


def test_attachment_lives_in_the_bucket_and_streams_only_to_who_may_see_it(client, bucket, ticket_with_file):
    owner, stranger, attachment = ticket_with_file
    assert attachment.file.name in _keys(bucket)
    assert attachment.thumbnail.name in _keys(bucket)
    stored = bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    client.force_login(owner)
    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    assert response["Content-Disposition"].startswith("attachment;")
    api = client.get(f"/api/v1/ticket-attachments/{attachment.pk}/download/")
    assert api.status_code == 200 and b"".join(api.streaming_content) == stored
    client.force_login(stranger)
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("tickets:thumbnail", args=[attachment.pk])).status_code == 404
    assert client.get(f"/api/v1/ticket-attachments/{attachment.pk}/download/").status_code == 404


def test_redirect_mode_hands_out_a_short_lived_presigned_url_after_the_check(
    client, bucket, ticket_with_file, settings
):
    settings.STORAGE_REDIRECT_DOWNLOADS = True
    owner, stranger, attachment = ticket_with_file
    client.force_login(stranger)
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(owner)
    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    assert query["response-content-disposition"][0].startswith("attachment;")


def test_the_bucket_is_never_publicly_readable(bucket, ticket_with_file):
    _owner, _stranger, attachment = ticket_with_file
    anonymous = boto3.client("s3", region_name=REGION, config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as refused:
        anonymous.get_object(Bucket=BUCKET, Key=attachment.file.name)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)


def test_copy_command_moves_local_files_resumably_and_verifies_checksums(client, bucket, settings, tmp_path):
    # A demo made on local disk: the rows keep their names, the files move to the bucket.
    local = FileSystemStorage(location=settings.MEDIA_ROOT)
    owner = make_user()
    category = CategoryFactory(default_team=TeamFactory())
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    ticket = open_ticket(owner, category=category, uploads=[upload("a.png", png_bytes()), upload("b.txt", b"hello")])
    names = sorted(ticket.attachments.values_list("file", flat=True))
    checksums = {name: hashlib.sha256(local.open(name).read()).hexdigest() for name in names}
    settings.STORAGES = {**settings.STORAGES, "default": _s3_default()}
    out = StringIO()
    call_command("copy_files_to_storage", "--no-progress", stdout=out)
    assert "failed 0" in out.getvalue() and "already there 0" in out.getvalue()
    for name in names:
        assert hashlib.sha256(default_storage.open(name).read()).hexdigest() == checksums[name]
    # Interrupted and started again: nothing is copied twice.
    out = StringIO()
    call_command("copy_files_to_storage", "--no-progress", stdout=out)
    assert "copied 0" in out.getvalue()
    client.force_login(owner)
    for attachment in ticket.attachments.all():
        response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == checksums[attachment.file.name]


def _s3_default() -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "region_name": REGION, "access_key": "t", "secret_key": "t"},
    }


def test_copy_command_refuses_without_a_bucket(settings):
    settings.STORAGE_IS_S3 = False
    with pytest.raises(CommandError):
        call_command("copy_files_to_storage", "--no-progress")


def test_readyz_answers_200_then_503_when_the_database_is_gone(client, monkeypatch):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["database"] is True

    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("icity.readiness.connection.cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json() == {"ready": False, "database": False, "cache": True}


def test_cluster_settings_from_the_environment(tmp_path):
    from tests.icity.test_settings import _manage

    probe = (
        "from django.conf import settings as s; "
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['bucket_name'], "
        "s.SESSION_ENGINE, s.CELERY_BEAT_SCHEDULER, s.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'))"
    )
    env = {
        "ICITY_VAR_DIR": str(tmp_path),
        "STORAGE_URL": "s3://icity-files",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": "postgres://icity@127.0.0.1:6432/icity",
        "DATABASE_PGBOUNCER": "1",
        "BEAT_REDBEAT": "1",
    }
    result = _manage("shell", "-c", probe, **env)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "storages.backends.s3.S3Storage",
        "icity-files",
        "django.contrib.sessions.backends.cached_db",
        "redbeat.RedBeatScheduler",
        "True",
    ], result.stderr
    result = _manage("check", **{**env, "STORAGE_URL": "s3://"})
    assert result.returncode != 0 and "STORAGE_URL" in result.stderr
