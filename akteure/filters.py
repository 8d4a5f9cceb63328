import django_filters
from django.utils.translation import gettext_lazy as _

from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Zielgruppe
from netzwerk.vokabular import nur_aktive_filter

from .models import Angebot, Organisation, Organisationstyp
from .selectors import angebote_search, organisationen_search


class BootstrapFilterSet(django_filters.FilterSet):
    """Filter forms render with plain Bootstrap classes: crispy costs ~10 ms a list page here.
    Vocabularies offer their active terms (and a selected inactive one, for old links)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nur_aktive_filter(self)

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select" if hasattr(field.widget, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
        return form


class AngebotFilter(BootstrapFilterSet):
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
    stand = django_filters.ChoiceFilter(
        label=_("Stand"),
        choices=[
            ("aktuell", _("aktuell bestätigt")),
            ("veraltet", _("seit über einem Jahr nicht bestätigt")),
        ],
        empty_label=_("alle"),
        method="filter_stand",
    )

    class Meta:
        model = Angebot
        fields: list[str] = []

    def search(self, queryset, name, value):
        return angebote_search(queryset, value)

    def filter_stand(self, queryset, name, value):
        return queryset.stale() if value == "veraltet" else queryset.current()


class OrganisationFilter(BootstrapFilterSet):
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
