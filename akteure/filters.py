import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Zielgruppe
from netzwerk.vokabular import nur_aktive_filter

from .models import Angebot, Organisation, Organisationstyp
from .selectors import angebote_search, organisationen_search


class Auswahl(forms.Select):
    """A select drawn in Python, the same markup as Django's: its templates, one per option,
    took two thirds of the time a list page needs to draw its filter form. The options straight
    from the choices (no groups here), not through Django's option dictionaries."""

    def render(self, name, value, attrs=None, renderer=None):
        gewaehlt = set(self.format_value(value))
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            (
                (wert := str(v), " selected" if wert in gewaehlt else "", label)
                for v, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class BootstrapFilterSet(django_filters.FilterSet):
    """Filter forms render with plain Bootstrap classes: crispy costs ~10 ms a list page here.
    Vocabularies offer their active terms (and a selected inactive one, for old links), each
    term read as its name only (the choices show nothing else)."""

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
        queryset=Organisationstyp.objects.only("name"),
        empty_label=_("alle"),
        widget=Auswahl,
    )
    sozialraum = django_filters.ModelChoiceFilter(
        label=_("Sozialraum"),
        queryset=Sozialraum.objects.only("name"),
        empty_label=_("alle"),
        widget=Auswahl,
    )
    lebensphase = django_filters.ModelChoiceFilter(
        label=_("Lebensphase"),
        field_name="lebensphasen",
        queryset=Lebensphase.objects.only("name"),
        empty_label=_("alle"),
        widget=Auswahl,
    )
    handlungsfeld = django_filters.ModelChoiceFilter(
        label=_("Handlungsfeld"),
        field_name="handlungsfelder",
        queryset=Handlungsfeld.objects.only("name"),
        empty_label=_("alle"),
        widget=Auswahl,
    )
    zielgruppe = django_filters.ModelChoiceFilter(
        label=_("Zielgruppe"),
        field_name="zielgruppen",
        queryset=Zielgruppe.objects.only("name"),
        empty_label=_("alle"),
        widget=Auswahl,
    )
    stand = django_filters.ChoiceFilter(
        label=_("Stand"),
        choices=[
            ("aktuell", _("aktuell bestätigt")),
            ("veraltet", _("seit über einem Jahr nicht bestätigt")),
        ],
        empty_label=_("alle"),
        method="filter_stand",
        widget=Auswahl,
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
        label=_("Typ"),
        queryset=Organisationstyp.objects.only("name"),
        empty_label=_("alle"),
        widget=Auswahl,
    )
    sozialraum = django_filters.ModelChoiceFilter(
        label=_("Sozialraum"),
        queryset=Sozialraum.objects.only("name"),
        empty_label=_("alle"),
        widget=Auswahl,
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def search(self, queryset, name, value):
        return organisationen_search(queryset, value)
