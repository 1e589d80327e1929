"""Read-only API for the archive of monthly reports (managers and admins): the list, one report, its files."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.views import APIView

from icity.roles import HasRole, Role

from .models import REPORT_LANGUAGES, MonthlyReport
from .services import report_file_current
from .views import _report

ManagerOrAdmin = HasRole.of(Role.MANAGER, Role.ADMIN)


class ReportFileSerializer(serializers.Serializer):
    kind = serializers.CharField()
    language = serializers.CharField()
    url = serializers.CharField()


class MonthlyReportSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyReport
        fields = ["month", "status", "prepared_at", "approved_by", "approved_at", "files"]
        read_only_fields = fields

    def get_month(self, report) -> str:
        return f"{report.month:%Y-%m}"

    def get_approved_by(self, report) -> str | None:
        user = report.approved_by
        return None if user is None else (user.get_full_name() or user.email)

    @extend_schema_field(ReportFileSerializer(many=True))
    def get_files(self, report) -> list[dict]:
        return file_urls(report)


class ReportListView(ListAPIView):
    """Every monthly report, most recent first: drafts and the archive of sent ones."""

    permission_classes = [ManagerOrAdmin]
    serializer_class = MonthlyReportSerializer

    def get_queryset(self):
        return MonthlyReport.objects.select_related("approved_by").order_by("-month")


class ReportDetailView(RetrieveAPIView):
    permission_classes = [ManagerOrAdmin]
    serializer_class = MonthlyReportSerializer

    def get_object(self):
        return _report(self.kwargs["month"])


class ReportFileView(APIView):
    """One file of a report (PDF or XLSX, fr or nl), as a download."""

    permission_classes = [ManagerOrAdmin]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, month: str, kind: str, language: str):
        report = _report(month)
        row = report_file_current(report=report, kind=kind, language=language)
        if row is None:
            raise Http404
        response = HttpResponse(bytes(row.content), content_type=row.mimetype)
        response["Content-Disposition"] = f'attachment; filename="{row.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


def file_urls(report) -> list[dict]:
    month = f"{report.month:%Y-%m}"
    return [
        {"kind": kind, "language": language, "url": reverse("kpis-report-file", args=[month, kind, language])}
        for language in REPORT_LANGUAGES
        for kind in ("pdf", "xlsx")
    ]
