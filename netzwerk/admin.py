from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Gremium,
    Handlungsfeld,
    Handlungsschwerpunkt,
    Lebensphase,
    Mail,
    Massnahme,
    Querschnittsthema,
    Rolle,
    Rueckmeldung,
    Sozialraum,
    User,
    Ziel,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "approved_at", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "first_name", "last_name", "organisation_hint"]
    readonly_fields = [
        "approved_at",
        "approved_by",
        "rejected_at",
        "rejected_by",
        "last_login",
        "date_joined",
    ]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "organisation_hint"]}),
        (_("Freigabe"), {"fields": ["approved_at", "approved_by", "rejected_at", "rejected_by"]}),
        (_("Rechte"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Daten"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        # Only a superuser hands out rights; coordinators approve accounts in the portal.
        return [*self.readonly_fields, "is_staff", "is_superuser", "groups", "is_active"]


class VokabularAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


admin.site.register(Lebensphase, VokabularAdmin)
admin.site.register(Handlungsfeld, VokabularAdmin)
admin.site.register(Sozialraum, VokabularAdmin)
admin.site.register(Querschnittsthema, VokabularAdmin)


@admin.register(Rueckmeldung)
class RueckmeldungAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "email", "page_url", "notified_at", "done"]
    list_filter = ["done"]
    search_fields = ["name", "email", "message"]


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in Mail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # mails are written by the portal's services, never by hand


@admin.register(Gremium)
class GremiumAdmin(admin.ModelAdmin):
    """Committees and their members (accounts with the role Gremium)."""

    list_display = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = User.objects.filter(groups__name=Rolle.GREMIUM)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ZielInline(admin.TabularInline):
    model = Ziel
    extra = 1


@admin.register(Handlungsschwerpunkt)
class HandlungsschwerpunktAdmin(admin.ModelAdmin):
    """The structure of a concept's measures: focal points with their goals."""

    list_display = ["title", "konzept", "position"]
    list_filter = ["konzept"]
    inlines = [ZielInline]


@admin.register(Massnahme)
class MassnahmeAdmin(SimpleHistoryAdmin):
    """The back office's view of measures, with their history; the coordination maintains them
    on the portal's measures page, where their progress is noted too."""

    list_display = ["title", "ziel", "status", "progress", "forum"]
    list_filter = ["status", "ziel__schwerpunkt__konzept"]
    search_fields = ["title"]
    autocomplete_fields = ["organisationen", "bedarfe", "angebote"]
    readonly_fields = ["progress", "status"]
