from django.contrib import admin

from .models import Forum


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ["name", "handlungsfeld", "status", "visibility"]
    list_filter = ["status", "visibility", "handlungsfeld"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["moderators", "members"]
