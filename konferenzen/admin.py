from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services
from .models import Anmeldung, Arbeitsgruppe, Einladung, Tagesordnungspunkt, Veranstaltung, Versand


class TagesordnungInline(admin.TabularInline):
    model = Tagesordnungspunkt
    extra = 1


class ArbeitsgruppeInline(admin.TabularInline):
    model = Arbeitsgruppe
    extra = 1


@admin.register(Veranstaltung)
class VeranstaltungAdmin(admin.ModelAdmin):
    list_display = ["title", "art", "start", "forum", "visibility", "capacity"]
    list_filter = ["art", "visibility", "forum"]
    search_fields = ["title", "description", "place"]
    date_hierarchy = "start"
    inlines = [TagesordnungInline, ArbeitsgruppeInline]


@admin.register(Anmeldung)
class AnmeldungAdmin(admin.ModelAdmin):
    """Registrations change only through the services (seats, waiting list, mails): the admin
    shows them and offers the two actions a coordinator needs."""

    list_display = ["name", "email", "veranstaltung", "status", "created_at"]
    list_filter = ["status", "veranstaltung"]
    search_fields = ["name", "email", "organisation_name"]
    actions = ["nachruecken", "absagen"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Von der Warteliste nachrücken lassen")
    def nachruecken(self, request, queryset):
        for anmeldung in queryset:
            try:
                services.anmeldung_promote(anmeldung=anmeldung)
            except ValidationError as error:
                self.message_user(request, f"{anmeldung}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{anmeldung}: bestätigt", messages.SUCCESS)

    @admin.action(description="Absagen (die Warteliste rückt nach)")
    def absagen(self, request, queryset):
        for anmeldung in queryset:
            services.anmeldung_cancel(anmeldung=anmeldung)
        self.message_user(request, "Abgesagt.", messages.SUCCESS)


class _NurLesen(admin.ModelAdmin):
    """Invitations are made and answered through the portal (mails, seats): read-only here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Einladung)
class EinladungAdmin(_NurLesen):
    list_display = ["email", "name", "veranstaltung", "status", "sent_at", "reminded_at"]
    list_filter = ["status", "veranstaltung"]
    search_fields = ["name", "email", "organisation_name"]
    exclude = ["token"]


@admin.register(Versand)
class VersandAdmin(_NurLesen):
    list_display = ["veranstaltung", "art", "label", "total", "queued", "created_at", "finished_at"]
    list_filter = ["art"]
