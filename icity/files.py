"""Serving stored files after the caller's permission check, whatever the storage.

Local disk (the default) and an S3-compatible bucket (STORAGE_URL=s3://...) both go
through Django's storage API. The bucket is private: a download either streams
through the app (default) or, with STORAGE_REDIRECT_DOWNLOADS=1, redirects to a
presigned URL that expires after STORAGE_PRESIGNED_SECONDS. Call these only after
the scoped lookup that proves the user may see the file.
"""

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect


def serve_file(field_file: FieldFile, *, filename: str, content_type: str, as_attachment: bool = True) -> HttpResponse:
    if settings.STORAGE_REDIRECT_DOWNLOADS:
        disposition = "attachment" if as_attachment else "inline"
        url = field_file.storage.url(
            field_file.name,
            parameters={
                "ResponseContentDisposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
                "ResponseContentType": content_type,
            },
            expire=settings.STORAGE_PRESIGNED_SECONDS,
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    return FileResponse(
        field_file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
    )
