from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from netzwerk.admin import VokabularAdmin
from netzwerk.models import Zielgruppe

from .models import Angebot, Einwilligung, Import, Organisation, Organisationstyp, Person

admin.site.register(Organisationstyp, VokabularAdmin)
admin.site.register(Zielgruppe, VokabularAdmin)


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["first_name", "last_name", "function", "email", "phone", "user"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "typ", "sozialraum", "city"]
    list_filter = ["typ", "sozialraum"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonInline]


class EinwilligungInline(admin.TabularInline):
    model = Einwilligung
    fields = ["purpose", "given_at", "method", "note", "withdrawn_at", "recorded_by"]
    raw_id_fields = ["recorded_by"]
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "function", "organisation", "email"]
    search_fields = ["last_name", "first_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user", "organisation"]
    inlines = [EinwilligungInline]


@admin.register(Angebot)
class AngebotAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "sozialraum", "is_public", "confirmed_at"]
    list_filter = ["is_public", "cost", "lebensphasen", "handlungsfelder", "sozialraum"]
    search_fields = ["title", "description", "organisation__name"]
    list_select_related = ["organisation", "sozialraum"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["lebensphasen", "handlungsfelder", "zielgruppen"]
    raw_id_fields = ["organisation", "contact"]


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = [
        "filename",
        "art",
        "status",
        "rows_total",
        "created",
        "created_by",
        "created_at",
    ]
    list_filter = ["art", "status"]
    readonly_fields = [f.name for f in Import._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # imports start in the portal, with mapping and preview
