from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Abstimmung,
    Beitrag,
    Beitrittsanfrage,
    Dokument,
    Forum,
    Interessensbekundung,
    Kommentar,
    Mitgliedschaft,
)


class MitgliedschaftInline(admin.TabularInline):
    """Read-only here: members join and leave in the portal, where every change is mailed."""

    model = Mitgliedschaft
    extra = 0
    fields = ["user", "joined_at", "digest"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ["name", "handlungsfeld", "status", "visibility"]
    list_filter = ["status", "visibility", "handlungsfeld"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["moderators", "themen"]
    inlines = [MitgliedschaftInline]


@admin.register(Beitrittsanfrage)
class BeitrittsanfrageAdmin(admin.ModelAdmin):
    """To look up only: requests are decided on the forum's member page, which mails the answer."""

    list_display = ["user", "forum", "status", "created_at", "decided_by"]
    list_filter = ["status", "forum"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Interessensbekundung)
class InteressensbekundungAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "forum", "created_at", "confirmed_at", "handled_at"]
    list_filter = ["forum"]
    search_fields = ["name", "organisation", "email"]
    readonly_fields = ["consent_at", "created_at", "confirmed_at", "handled_at", "handled_by"]


class KommentarInline(admin.TabularInline):
    model = Kommentar
    extra = 0


@admin.register(Beitrag)
class BeitragAdmin(SimpleHistoryAdmin):
    list_display = ["title", "forum", "art", "status", "author", "created_at"]
    list_filter = ["art", "status", "forum"]
    search_fields = ["title", "text"]
    raw_id_fields = ["angebot"]
    inlines = [KommentarInline]


@admin.register(Abstimmung)
class AbstimmungAdmin(admin.ModelAdmin):
    list_display = ["title", "forum", "status", "opened_at", "closed_at"]
    list_filter = ["status", "forum"]
    readonly_fields = ["ergebnis"]


@admin.register(Dokument)
class DokumentAdmin(admin.ModelAdmin):
    list_display = ["title", "forum", "art", "visibility", "content_type", "size", "uploaded_at"]
    list_filter = ["art", "visibility", "forum"]
    readonly_fields = ["file", "original_name", "content_type", "endung", "size"]
