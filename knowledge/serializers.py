from rest_framework import serializers

from tickets.models import Category

from .models import Article, ArticleStatus, Audience, Language, Translation


class TranslationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Translation
        fields = ["language", "title", "summary", "version", "updated_at"]


class TranslationDetailSerializer(serializers.ModelSerializer):
    body_html = serializers.CharField(read_only=True, help_text="Sanitised HTML rendered from the Markdown text.")

    class Meta:
        model = Translation
        fields = ["language", "title", "summary", "body", "body_html", "version", "updated_at"]


class ArticleListSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    translations = TranslationSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Article
        fields = ["id", "category", "audience", "status", "tags", "view_count", "published_at", "updated_at"]
        fields += ["translations"]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleListSerializer):
    translations = TranslationDetailSerializer(many=True, read_only=True)


class TranslationWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=100_000)


class ArticleCreateSerializer(TranslationWriteSerializer):
    """Owner is the caller and status is draft: neither can be sent."""

    language = serializers.ChoiceField(choices=Language.choices)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.STAFF)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    review_by = serializers.DateField(required=False, allow_null=True, default=None)


class ArticleTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=ArticleStatus.choices)


class ArticleVoteSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices)
    helpful = serializers.BooleanField()
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article_id")
    language = serializers.CharField(source="translation.language")
    title = serializers.CharField(source="translation.title")
    summary = serializers.CharField(source="translation.summary")
    snippet = serializers.CharField(help_text="Escaped text; only <mark> tags around the matched words.")
    url = serializers.CharField(source="translation.get_absolute_url")
