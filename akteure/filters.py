import django_filters
from django.utils.translation import gettext_lazy as _

from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Zielgruppe

from .models import Angebot, Organisation, Organisationstyp
from .selectors import angebote_search, organisationen_search


class AngebotFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche"), method="search")
    typ = django_filters.ModelChoiceFilter(
        label=_("Organisationstyp"),
        field_name="organisation__typ",
        queryset=Organisationstyp.objects.all(),
        empty_label=_("alle"),
    )
    sozialraum = django_filters.ModelChoiceFilter(
        label=_("Sozialraum"), queryset=Sozialraum.objects.all(), empty_label=_("alle")
    )
    lebensphase = django_filters.ModelChoiceFilter(
        label=_("Lebensphase"),
        field_name="lebensphasen",
        queryset=Lebensphase.objects.all(),
        empty_label=_("alle"),
    )
    handlungsfeld = django_filters.ModelChoiceFilter(
        label=_("Handlungsfeld"),
        field_name="handlungsfelder",
        queryset=Handlungsfeld.objects.all(),
        empty_label=_("alle"),
    )
    zielgruppe = django_filters.ModelChoiceFilter(
        label=_("Zielgruppe"),
        field_name="zielgruppen",
        queryset=Zielgruppe.objects.all(),
        empty_label=_("alle"),
    )

    class Meta:
        model = Angebot
        fields: list[str] = []

    def search(self, queryset, name, value):
        return angebote_search(queryset, value)


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche"), method="search")
    typ = django_filters.ModelChoiceFilter(
        label=_("Typ"), queryset=Organisationstyp.objects.all(), empty_label=_("alle")
    )
    sozialraum = django_filters.ModelChoiceFilter(
        label=_("Sozialraum"), queryset=Sozialraum.objects.all(), empty_label=_("alle")
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def search(self, queryset, name, value):
        return organisationen_search(queryset, value)
