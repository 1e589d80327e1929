"""REST API: published articles and search for everyone (scoped by audience), writing for agents."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .access import is_agent, published_for, readable_for
from .models import Translation
from .search import search
from .serializers import (
    ArticleCreateSerializer,
    ArticleDetailSerializer,
    ArticleListSerializer,
    ArticleTransitionSerializer,
    ArticleVoteSerializer,
    SearchHitSerializer,
    TranslationDetailSerializer,
    TranslationWriteSerializer,
)


def _drf_error(error: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": error.messages})


def _require_agent(request) -> None:
    if not is_agent(request.user):
        raise PermissionDenied


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List: published articles of your audience. Detail: agents also open drafts; others get 404."""

    filter_backends = []

    def get_serializer_class(self):
        return ArticleListSerializer if self.action == "list" else ArticleDetailSerializer

    def get_queryset(self):
        base = published_for(self.request.user) if self.action == "list" else readable_for(self.request.user)
        if self.action == "list":
            category = self.request.query_params.get("category", "")
            if category.isdigit():
                base = base.filter(category_id=int(category))
            fields = ("id", "article_id", "language", "title", "summary", "version", "updated_at")
            translations = Translation.objects.only(*fields)
        else:
            translations = Translation.objects.all()
        return base.prefetch_related(
            "tags", Prefetch("translations", queryset=translations.order_by("language"))
        ).order_by("-updated_at", "-pk")

    @extend_schema(parameters=[OpenApiParameter("category", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ArticleCreateSerializer, responses={201: ArticleDetailSerializer})
    def create(self, request):
        _require_agent(request)
        serializer = ArticleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            article = services.article_create(author=request.user, **data)
        except DjangoValidationError as error:
            raise _drf_error(error) from None
        article = self.get_queryset().get(pk=article.pk)
        return Response(ArticleDetailSerializer(article).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TranslationWriteSerializer, responses={200: TranslationDetailSerializer})
    @action(detail=True, methods=["put"], url_path=r"translations/(?P<language>fr|nl|en)")
    def translation(self, request, pk=None, language=None):
        _require_agent(request)
        article = self.get_object()
        serializer = TranslationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            translation = services.translation_save(
                article=article, language=language, author=request.user, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from None
        return Response(TranslationDetailSerializer(translation).data)

    @extend_schema(request=ArticleTransitionSerializer, responses={200: ArticleDetailSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        _require_agent(request)
        article = self.get_object()
        serializer = ArticleTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.article_transition(article=article, actor=request.user, to=serializer.validated_data["to"])
        except DjangoValidationError as error:
            raise _drf_error(error) from None
        return Response(ArticleDetailSerializer(self.get_queryset().get(pk=article.pk)).data)

    @extend_schema(request=ArticleVoteSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        article = self.get_object()
        if not article.is_published:
            raise Http404
        serializer = ArticleVoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        translation = article.translations.filter(language=data["language"]).first()
        if translation is None:
            raise ValidationError({"language": ["This article has no text in that language."]})
        try:
            services.article_vote(
                article=article,
                translation=translation,
                user=request.user,
                helpful=data["helpful"],
                comment=data["comment"],
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from None
        return Response(status=status.HTTP_201_CREATED)


class SearchView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="Words in French, Dutch or English")],
        responses={200: SearchHitSerializer(many=True)},
    )
    def get(self, request):
        query = request.query_params.get("q", "").strip()[:200]
        hits = search(request.user, query, limit=20) if query else []
        return Response(SearchHitSerializer(hits, many=True).data)
