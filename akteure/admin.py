from django.contrib import admin

from netzwerk.admin import VokabularAdmin

from .models import Organisation, Organisationstyp, Person

admin.site.register(Organisationstyp, VokabularAdmin)


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["first_name", "last_name", "function", "email", "phone", "user"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "typ", "sozialraum", "city"]
    list_filter = ["typ", "sozialraum"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "function", "organisation", "email"]
    search_fields = ["last_name", "first_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]
