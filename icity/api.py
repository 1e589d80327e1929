from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .roles import user_roles
from .tokens import api_token_issue


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    department = serializers.StringRelatedField(allow_null=True)  # a person may have none
    site = serializers.StringRelatedField(allow_null=True)  # a person may have none
    manager = serializers.StringRelatedField(allow_null=True)  # a person may have none

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "language",
            "phone",
            "department",
            "site",
            "manager",
            "roles",
        ]
        read_only_fields = fields

    def get_roles(self, user) -> list[str]:
        return sorted(user_roles(user))


class MeView(APIView):
    """The signed-in user: profile and roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = get_user_model().objects.select_related("department", "site", "manager").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


class ApiRootView(APIView):
    """Index of the API: every app's list endpoints, the schema and the docs."""

    @extend_schema(exclude=True)
    def get(self, request):
        from django.urls import get_resolver

        links = {
            "me": reverse("api-me", request=request),
            "token": reverse("api-token", request=request),
            "schema": reverse("api-schema", request=request),
            "docs": reverse("api-docs", request=request),
        }
        names = sorted(name for name in get_resolver().reverse_dict if isinstance(name, str) and name.endswith("-list"))
        for name in names:
            try:
                links[name.removesuffix("-list")] = reverse(name, request=request)
            except NoReverseMatch:  # list routes that need arguments are not in the index
                continue
        return Response(links)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Send it as 'Authorization: Token <token>'.")


class ObtainTokenView(APIView):
    """Exchange email and password for a new API token; throttled by django-axes.

    The serializer authenticates against the underlying HttpRequest, so that
    axes marks the lockout where its middleware looks for it (429). The token is
    listed on the person's token page, where it can be revoked; it ends when the
    password changes.
    """

    throttle_classes = ()
    permission_classes = ()
    renderer_classes = [JSONRenderer]

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer, auth=[])
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request, "view": self})
        serializer.is_valid(raise_exception=True)
        _token, key = api_token_issue(user=serializer.validated_data["user"], name="API")
        return Response({"token": key})
