from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from .models import Campaign, Choice, CsatFollowUp, Question, Section, Survey
from .results import department_value


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "position", "label_fr", "label_nl", "label_en"]


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "kind", "required", "text_fr", "text_nl", "text_en", "choices"]


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "position", "title_fr", "title_nl", "title_en", "key", "questions"]


class SurveySerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "title_fr",
            "title_nl",
            "title_en",
            "intro_fr",
            "intro_nl",
            "intro_en",
            "created_at",
            "sections",
        ]
        read_only_fields = ["created_at"]


class ChoiceInputSerializer(serializers.Serializer):
    label_fr = serializers.CharField(max_length=200)
    label_nl = serializers.CharField(max_length=200)
    label_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class QuestionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    required = serializers.BooleanField(default=True)
    text_fr = serializers.CharField(max_length=500)
    text_nl = serializers.CharField(max_length=500)
    text_en = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    choices = ChoiceInputSerializer(many=True, required=False, default=list)

    def validate(self, data):
        if data["kind"] in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(data["choices"]) < 2:
            raise serializers.ValidationError({"choices": "A choice question needs at least two choices."})
        if data["kind"] not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and data["choices"]:
            raise serializers.ValidationError({"choices": "Only choice questions have choices."})
        return data


class SectionInputSerializer(serializers.Serializer):
    title_fr = serializers.CharField(max_length=200)
    title_nl = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    key = serializers.ChoiceField(choices=Section.Key.choices, required=False, allow_blank=True, default="")
    questions = QuestionInputSerializer(many=True)


class SurveyCreateSerializer(serializers.Serializer):
    title_fr = serializers.CharField(max_length=200)
    title_nl = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    intro_fr = serializers.CharField(required=False, allow_blank=True, default="")
    intro_nl = serializers.CharField(required=False, allow_blank=True, default="")
    intro_en = serializers.CharField(required=False, allow_blank=True, default="")
    sections = SectionInputSerializer(many=True)


class CampaignSerializer(serializers.ModelSerializer):
    invited = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "survey",
            "name",
            "status",
            "audience_kind",
            "audience_params",
            "opens_at",
            "closes_at",
            "anonymous",
            "min_group_size",
            "reminder_after_days",
            "max_reminders",
            "previous",
            "launched_at",
            "closed_at",
            "invited",
            "answered",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    """What a manager may set; status, author and dates of launch are not among them."""

    survey = serializers.PrimaryKeyRelatedField(queryset=Survey.objects.all())
    name = serializers.CharField(max_length=200)
    audience_kind = serializers.ChoiceField(choices=Campaign.AudienceKind.choices)
    audience_params = serializers.DictField(required=False, default=dict)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    anonymous = serializers.BooleanField(default=True)
    min_group_size = serializers.IntegerField(min_value=2, max_value=1000, default=5)
    reminder_after_days = serializers.IntegerField(min_value=1, max_value=60, default=7)
    max_reminders = serializers.IntegerField(min_value=0, max_value=5, default=2)
    previous = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)


class BarSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class GroupScoreSerializer(serializers.Serializer):
    label = serializers.CharField()
    respondents = serializers.IntegerField()
    answers = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    csat = serializers.FloatField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)


class QuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    kind = serializers.CharField(source="question.kind")
    text = serializers.CharField(source="question.text")
    answers = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    csat = serializers.FloatField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)
    trend = serializers.FloatField(allow_null=True)
    distribution = BarSerializer(source="bars", many=True)
    departments = GroupScoreSerializer(source="groups", many=True)


class DepartmentSizeSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The value of the results' ``department`` filter: an id, or ``none``.")
    label = serializers.CharField()
    respondents = serializers.IntegerField()


class CampaignResultsSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign.pk")
    invited = serializers.IntegerField()
    responded = serializers.IntegerField()
    opted_out = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    min_group_size = serializers.IntegerField(source="campaign.min_group_size")
    hidden_respondents = serializers.IntegerField()
    departments = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    @extend_schema_field(DepartmentSizeSerializer(many=True))
    def get_departments(self, results) -> list[dict]:
        return [
            {"key": department_value(key), "label": label, "respondents": size}
            for key, label, size in results.visible_departments
        ]

    def get_department(self, results) -> str | None:
        """The department the figures are limited to (its label), or null for the whole campaign."""
        return results.department_label if results.filtered else None

    @extend_schema_field(QuestionResultSerializer(many=True))
    def get_questions(self, results) -> list[dict]:
        ordered = [result for section in results.sections for result in section.results]
        return QuestionResultSerializer(ordered, many=True).data


class AnswerChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class AnswerQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    text = serializers.CharField()
    choices = AnswerChoiceSerializer(many=True)


class AnswerSectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    questions = AnswerQuestionSerializer(many=True)


class AnswerFormSerializer(serializers.Serializer):
    survey_title = serializers.CharField()
    closes_at = serializers.DateTimeField()
    anonymous = serializers.BooleanField()
    language = serializers.CharField()
    sections = AnswerSectionSerializer(many=True)


class AnswerSubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="Question id → score (rating, NPS), choice id (single), list of choice ids (multiple) or text."
    )


class AnswerResultSerializer(serializers.Serializer):
    status = serializers.CharField()


class UnusableSerializer(serializers.Serializer):
    # Absent when the link cannot even be read (a control character in it: the middleware's plain 404).
    reason = serializers.CharField(required=False)
    detail = serializers.CharField()


class CsatCellSerializer(serializers.Serializer):
    month = serializers.DateField()
    ratings = serializers.IntegerField(allow_null=True, help_text="Null when the cell is hidden.")
    csat_percent = serializers.FloatField(allow_null=True)
    hidden = serializers.BooleanField()


class CsatGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    months = CsatCellSerializer(many=True)


class CsatOverTimeSerializer(serializers.Serializer):
    by = serializers.CharField()
    min_group_size = serializers.IntegerField()
    overall = CsatCellSerializer(many=True)
    groups = CsatGroupSerializer(many=True)


def csat_cell_data(cell) -> dict:
    return {
        "month": cell.month,
        "ratings": None if cell.hidden else cell.ratings,
        "csat_percent": cell.csat_percent,
        "hidden": cell.hidden,
    }


@extend_schema_serializer(component_name="CsatFollowUp")
class CsatFollowUpSerializer(serializers.ModelSerializer):
    ticket_reference = serializers.CharField(source="ticket.reference", read_only=True)
    rating = serializers.IntegerField(source="rating.rating", read_only=True)
    comment = serializers.CharField(source="rating.comment", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CsatFollowUp
        fields = [
            "id",
            "ticket",
            "ticket_reference",
            "rating",
            "comment",
            "team",
            "team_name",
            "lead",
            "status",
            "created_at",
            "closed_at",
            "closed_by",
            "note",
        ]
        read_only_fields = fields
