from django.contrib import admin

from .models import Article, Tag, Translation


class TranslationInline(admin.StackedInline):
    model = Translation
    extra = 0
    fields = ["language", "title", "summary", "version", "updated_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # text is written in the app, where every change is a version


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "audience", "category", "owner", "review_by", "view_count", "updated_at"]
    list_filter = ["status", "audience"]
    list_select_related = ["category", "owner"]
    readonly_fields = ["status", "owner", "published_by", "published_at", "view_count"]
    inlines = [TranslationInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
