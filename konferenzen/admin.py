from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from . import services
from .models import (
    Anmeldung,
    Arbeitsgruppe,
    Einladung,
    Protokoll,
    Protokolldokument,
    Tagesordnungspunkt,
    Veranstaltung,
    Versand,
)


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

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deleting would free a seat without moving anyone up: "absagen" does

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
            try:
                services.anmeldung_cancel(anmeldung=anmeldung, by_organisers=True)
            except ValidationError as error:
                self.message_user(request, f"{anmeldung}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{anmeldung}: abgesagt", messages.SUCCESS)


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


class ProtokolldokumentInline(admin.TabularInline):
    """Documents are checked by their content when uploaded on the event's page (and deleted
    there, with their file): here they are only listed, with the permission-checked download."""

    model = Protokolldokument
    fields = ["herunterladen", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Datei")
    def herunterladen(self, dokument):
        url = reverse(
            "konferenzen:protokoll-dokument",
            kwargs={"pk": dokument.protokoll.veranstaltung_id, "dokument_pk": dokument.pk},
        )
        return format_html('<a href="{}">{}</a>', url, dokument.filename)


class ProtokollAdminForm(forms.ModelForm):
    class Meta:
        model = Protokoll
        fields = ["veranstaltung", "arbeitsgruppe", "text"]

    def clean(self):
        data = super().clean()
        gruppe, event = data.get("arbeitsgruppe"), data.get("veranstaltung")
        if gruppe and event and gruppe.veranstaltung_id != event.pk:
            self.add_error(
                "arbeitsgruppe", "Diese Arbeitsgruppe gehört zu einer anderen Veranstaltung."
            )
        return data


@admin.register(Protokoll)
class ProtokollAdmin(admin.ModelAdmin):
    form = ProtokollAdminForm
    list_display = ["veranstaltung", "arbeitsgruppe", "updated_at", "updated_by"]
    list_select_related = ["veranstaltung", "arbeitsgruppe", "updated_by"]
    search_fields = ["veranstaltung__title", "arbeitsgruppe__name", "text"]
    readonly_fields = ["updated_at", "updated_by"]
    inlines = [ProtokolldokumentInline]

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
