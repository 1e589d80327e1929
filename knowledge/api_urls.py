from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ArticleViewSet, SearchView

router = SimpleRouter()
router.register("kb-articles", ArticleViewSet, basename="kb-article")

urlpatterns = [path("kb-search/", SearchView.as_view(), name="kb-search"), *router.urls]
