"""PDF receipts (hand-over, return) and the printable day sheet, drawn with reportlab.

Text is drawn as text (never images), so the receipt can be searched and the
tests read it back with pypdf.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def _doc(buffer: BytesIO, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author="i-CITY", leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm
    )


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    styles = getSampleStyleSheet()
    body = [[Paragraph(escape(str(cell)), styles["BodyText"]) for cell in row] for row in rows]
    table = Table(body, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _p(text: str, style: str = "BodyText") -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), getSampleStyleSheet()[style])


def _facts(loan) -> list:
    local = timezone.localtime
    parts = [
        _p(_("Loan %(ref)s") % {"ref": loan.reference}, "Title"),
        _p(_("Borrower: %(name)s") % {"name": loan.borrower_label}),
    ]
    if loan.borrower is not None:
        parts.append(_p(_("Email: %(email)s") % {"email": loan.borrower.email}))
    parts.append(_p(_("Start: %(when)s") % {"when": f"{local(loan.started_at):%Y-%m-%d %H:%M}"}))
    parts.append(
        _p(_("Due date: %(date)s") % {"date": loan.due_date.isoformat()})
        if loan.due_date
        else _p(_("Permanent assignment (no due date)."))
    )
    return parts


def hand_over_pdf(loan, *, language: str = "fr") -> bytes:
    """The receipt the borrower signs by typing their name: units (tags, serials), items, the terms accepted."""
    with translation.override(language):
        buffer = BytesIO()
        lines = list(loan.lines.select_related("asset", "model__manufacturer").order_by("pk"))
        rows = [[_("Tag"), _("Model"), _("Serial number"), _("Quantity")]]
        for line in lines:
            rows.append(
                [
                    line.asset.tag if line.asset_id else "—",
                    str(line.model),
                    line.asset.serial if line.asset_id else "",
                    str(line.quantity) + ("" if line.state != "given" else f" ({_('given')})"),
                ]
            )
        story = [*_facts(loan), Spacer(1, 4 * mm), _table(rows, [35, 70, 50, 20]), Spacer(1, 6 * mm)]
        if loan.terms is not None:
            story.append(_p(_("Loan terms version %(version)s") % {"version": loan.terms.version}, "Heading3"))
            story.append(_p(loan.terms.text_in(language)))
        if loan.accepted_at:
            witness = loan.witnessed_by.get_full_name() or loan.witnessed_by.email if loan.witnessed_by else "—"
            story += [
                Spacer(1, 4 * mm),
                _p(
                    _("Accepted by %(name)s on %(when)s, witnessed by %(witness)s.")
                    % {
                        "name": loan.accepted_name,
                        "when": f"{timezone.localtime(loan.accepted_at):%Y-%m-%d %H:%M}",
                        "witness": witness,
                    }
                ),
            ]
        _doc(buffer, _("Hand-over receipt")).build(story)
        return buffer.getvalue()


def return_pdf(loan, lines, *, language: str = "fr") -> bytes:
    """What came back (condition, missing parts, where it went) and what is still out."""
    with translation.override(language):
        buffer = BytesIO()
        rows = [[_("Tag"), _("Model"), _("Serial number"), _("Condition"), _("Missing parts")]]
        for line in lines:
            asset = line.asset if line.asset_id else None
            rows.append(
                [
                    asset.tag if asset else f"{line.quantity} ×",
                    str(line.model),
                    asset.serial if asset else "",
                    line.get_return_condition_display() or "—",
                    line.missing_parts or "—",
                ]
            )
        story = [*_facts(loan), _p(_("Return receipt"), "Heading2"), _table(rows, [30, 55, 40, 25, 30])]
        still_out = list(loan.lines.filter(state="open").select_related("asset", "model__manufacturer"))
        if still_out:
            story += [Spacer(1, 4 * mm), _p(_("Still on loan"), "Heading3")]
            story += [_p(f"{line.asset.tag if line.asset_id else line.quantity} — {line.model}") for line in still_out]
        else:
            story += [Spacer(1, 4 * mm), _p(_("Everything on this loan is back."))]
        _doc(buffer, _("Return receipt")).build(story)
        return buffer.getvalue()


RECEIPT_ATTACHMENT = "loans.receipt"


def receipt_attachment(receipt_id: int) -> tuple[str, bytes, str] | None:
    """The outbox's attachment provider for ``loans.receipt``: the stored PDF as it is when the email goes.

    None when the receipt is gone: the email is then sent without it.
    """
    from .models import Receipt

    receipt = Receipt.objects.filter(pk=receipt_id).first()
    if receipt is None:
        return None
    return receipt.filename, bytes(receipt.pdf), "application/pdf"


def day_sheet_pdf(*, day, assignee_label: str, runs, language: str = "fr") -> bytes:
    """One page per person doing the runs of the day: times, places, people, what to bring or collect."""
    with translation.override(language):
        buffer = BytesIO()
        rows = [[_("Time"), _("Kind"), _("Where"), _("For"), _("Notes")]]
        for run in runs:
            where = run.address or (str(run.site) if run.site_id else "")
            person = (run.person.get_full_name() or run.person.email) if run.person_id else ""
            rows.append(
                [
                    f"{run.window_start:%H:%M}–{run.window_end:%H:%M}",
                    run.get_kind_display(),
                    where,
                    person,
                    run.notes,
                ]
            )
        story = [
            _p(_("Day sheet %(day)s") % {"day": day.isoformat()}, "Title"),
            _p(_("Assignee: %(name)s") % {"name": assignee_label}),
            Spacer(1, 4 * mm),
            _table(rows, [25, 25, 55, 35, 35]),
        ]
        _doc(buffer, _("Day sheet")).build(story)
        return buffer.getvalue()
