"""The numbered data-wipe certificate (PDF) of a reconditioning job."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .models import ReconJob, WipeMethod


def _person(user) -> str:
    return "" if user is None else (user.get_full_name() or user.email)


def wipe_certificate_pdf(job: ReconJob) -> bytes:
    asset = job.asset
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{_('Data wipe certificate')} {job.certificate_number}")
    width, height = A4
    y = height - 30 * mm
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(20 * mm, y, _("Data wipe certificate"))
    y -= 10 * mm
    canvas.setFont("Helvetica", 12)
    canvas.drawString(20 * mm, y, f"{_('Certificate number')}: {job.certificate_number}")
    y -= 6 * mm
    canvas.setFont("Helvetica", 9)
    canvas.drawString(20 * mm, y, _("i-CITY — City of Brussels IT department, school PC programme"))
    y -= 14 * mm
    wiped = timezone.localtime(job.wiped_at).strftime("%Y-%m-%d %H:%M") if job.wiped_at else ""
    rows = [
        (_("Asset tag"), asset.tag),
        (_("Device"), f"{asset.model.manufacturer.name} {asset.model.name}"),
        (_("Serial number"), asset.serial or job.serial_seen),
        (_("Method"), WipeMethod(job.wipe_method).label if job.wipe_method else ""),
        (_("Tool"), job.wipe_tool),
        (_("Result"), ReconJob.WipeResult(job.wipe_result).label if job.wipe_result else ""),
        (_("Verification"), job.wipe_verification),
        (_("Operator"), _person(job.wipe_operator)),
        (_("Date"), wiped),
    ]
    canvas.setFont("Helvetica", 11)
    for label, value in rows:
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(20 * mm, y, f"{label}:")
        canvas.setFont("Helvetica", 11)
        canvas.drawString(70 * mm, y, str(value)[:90])
        y -= 8 * mm
    y -= 8 * mm
    canvas.setFont("Helvetica", 9)
    canvas.drawString(
        20 * mm, y, _("All user data on the storage media of this device was sanitised per NIST SP 800-88 Rev. 1.")
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
