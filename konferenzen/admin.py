from django.contrib import admin

from .models import Veranstaltung


@admin.register(Veranstaltung)
class VeranstaltungAdmin(admin.ModelAdmin):
    list_display = ["title", "art", "start", "forum", "visibility"]
    list_filter = ["art", "visibility", "forum"]
    search_fields = ["title", "description", "place"]
    date_hierarchy = "start"
