"""CSV and XLSX exports of responses and comments, streamed and formula-neutralised.

An anonymous campaign exports no identifying column; the department column is
left empty for departments hidden by the minimum group size (same rule as the
results page).
"""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from icity.models import Department
from icity.spreadsheets import neutralise_formula, xlsx_write

from .models import Answer, Campaign, Question, Response
from .results import comments_queryset, visible_department_ids
from .services import survey_questions

CHUNK = 500


def _questions(campaign: Campaign) -> list[Question]:
    return [question for section in survey_questions(campaign.survey) for question in section.question_list]


def response_rows(campaign: Campaign):
    """Header then one row per response, read in chunks (constant memory)."""
    questions = _questions(campaign)
    shown = visible_department_ids(campaign)
    departments = {department.pk: department.name for department in Department.objects.filter(pk__in=shown)}
    choice_labels = {choice.pk: choice.label for question in questions for choice in question.choice_list}
    # Anonymous: no column that narrows a row down to a person beyond the department
    # (itself blanked for small groups); the language would, in a small department.
    header = [_("Response"), _("Department")]
    if not campaign.anonymous:
        header += [_("Language"), _("Submitted on"), _("Email"), _("Name")]
    header += [question.text for question in questions]
    yield [neutralise_formula(value) for value in header]
    responses = Response.objects.filter(campaign=campaign).select_related("user").order_by("id")
    last_id = None
    number = 0
    while True:
        chunk_query = responses if last_id is None else responses.filter(id__gt=last_id)
        chunk = list(chunk_query[:CHUNK])
        if not chunk:
            break
        last_id = chunk[-1].id
        answers: dict = {}
        for answer in Answer.objects.filter(response_id__in=[response.id for response in chunk]).order_by(
            "question_id", "choice_id"
        ):
            answers.setdefault(answer.response_id, {}).setdefault(answer.question_id, []).append(answer)
        for response in chunk:
            number += 1
            department = departments.get(response.department_id, "") if response.department_id in shown else ""
            row = [number, department]
            if not campaign.anonymous:
                user = response.user
                row += [
                    response.language,
                    response.submitted_on.isoformat() if response.submitted_on else "",
                    user.email if user else "",
                    user.get_full_name() if user else "",
                ]
            given = answers.get(response.id, {})
            for question in questions:
                row.append(_cell(question, given.get(question.pk, []), choice_labels))
            yield [neutralise_formula(value) for value in row]


def _cell(question: Question, answers: list[Answer], choice_labels: dict):
    if not answers:
        return ""
    if question.is_scored:
        return answers[0].number
    if question.kind == Question.Kind.TEXT:
        return answers[0].text
    return "; ".join(choice_labels.get(answer.choice_id, "") for answer in answers)


class _Echo:
    def write(self, value):
        return value


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _with_bom(rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_bom(rows):
    first = True
    for row in rows:
        if first and row:
            # A byte-order mark so that spreadsheet programs read UTF-8 accents.
            row = ["\ufeff" + str(row[0]), *row[1:]]
            first = False
        yield row


def _filename(campaign: Campaign, suffix: str) -> str:
    return f"{slugify(campaign.name) or 'campaign'}-{campaign.pk}-{suffix}"


def responses_csv(campaign: Campaign) -> StreamingHttpResponse:
    return _csv_response(response_rows(campaign), _filename(campaign, "responses.csv"))


def responses_xlsx(campaign: Campaign) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    xlsx_write(response_rows(campaign), spool, title=_("Responses"))
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=_filename(campaign, "responses.xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def comment_rows(campaign: Campaign):
    shown = visible_department_ids(campaign)
    departments = {department.pk: department.name for department in Department.objects.filter(pk__in=shown)}
    yield [_("Question"), _("Department"), _("Comment")]
    for answer in comments_queryset(campaign).iterator(chunk_size=CHUNK):
        department = departments.get(answer.department_id, "") if answer.department_id in shown else ""
        yield [
            neutralise_formula(answer.question.text),
            neutralise_formula(department),
            neutralise_formula(answer.text),
        ]


def comments_csv(campaign: Campaign) -> StreamingHttpResponse:
    return _csv_response(comment_rows(campaign), _filename(campaign, "comments.csv"))
