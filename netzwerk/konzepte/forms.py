from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ..forms import DatumInput
from .models import (
    Gremium,
    Handlungsschwerpunkt,
    Kapitel,
    Kommentar,
    Konzept,
    Massnahme,
    Meilenstein,
    Ziel,
)


class KonzeptForm(forms.ModelForm):
    """A new concept; it may start with another concept's outline (services.konzept_create)."""

    vorlage = forms.ModelChoiceField(
        label=_("Gliederung übernehmen aus"), required=False, queryset=Konzept.objects.none(),
        empty_label=_("– mit leerer Gliederung beginnen –"),
        help_text=_("Die Kapitel des gewählten Konzepts, mit ihren Überschriften in ihrer "
                    "Reihenfolge. Kommentare, Versionen und Maßnahmen werden nicht übernommen."),
        error_messages={"invalid_choice": _("Bitte wählen Sie eines der Konzepte der Liste.")},
    )  # fmt: skip
    mit_text = forms.BooleanField(
        label=_("Auch die Texte der Kapitel übernehmen"), required=False,
        help_text=_("Sonst beginnen die Kapitel leer. Übernommene Texte sind die Version 1 der "
                    "neuen Kapitel."),
    )  # fmt: skip

    class Meta:
        model = Konzept
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": _("Bitte geben Sie einen Titel an.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Concepts with a chapter still in them: a removed one is no outline to start from.
        mit_kapitel = Kapitel.objects.filter(konzept=OuterRef("pk"))
        self.fields["vorlage"].queryset = Konzept.objects.filter(Exists(mit_kapitel)).order_by(
            "title", "pk"
        )

    def clean(self):
        data = super().clean()
        if data.get("mit_text") and not data.get("vorlage"):
            self.add_error("mit_text", _("Texte lassen sich nur mit einer Gliederung übernehmen."))
        return data


class KapitelTitelForm(forms.Form):
    title = forms.CharField(
        label=_("Überschrift"), max_length=200,
        error_messages={
            "required": _("Bitte geben Sie eine Überschrift an."),
            "max_length": _("Die Überschrift ist zu lang (höchstens 200 Zeichen)."),
        },
    )  # fmt: skip


class MitwirkendeForm(forms.Form):
    """Co-authors of a draft: approved, active accounts outside the coordination (which writes
    anyway); those already invited stay choosable, so they can be removed."""

    mitwirkende = forms.ModelMultipleChoiceField(
        label=_("Mitwirkende"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sie lesen den Entwurf und schreiben an seinen Kapiteln mit, solange er im "
                    "Entwurf ist."),
    )  # fmt: skip

    def __init__(self, *args, konzept: Konzept, **kwargs):
        from ..models import Rolle, User

        super().__init__(*args, **kwargs)
        field = self.fields["mitwirkende"]
        field.queryset = (
            User.objects.filter(
                Q(is_active=True, approved_at__isnull=False) & ~Q(groups__name=Rolle.KOORDINATION)
                | Q(pk__in=konzept.mitwirkende.values("pk"))
            )
            .select_related("person__organisation")
            .distinct()
            .order_by("last_name", "first_name", "email")
        )
        field.label_from_instance = _konto_label
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("mitwirkende", wrapper_class="auswahlliste"))


def _konto_label(user) -> str:
    """Name, address and organisation: the form is the coordination's, which knows the addresses
    from the approvals, and two people may share a name."""
    person = getattr(user, "person", None)
    teile = [user.email]
    if person is not None and person.organisation_id:
        teile.append(person.organisation.name)
    return f"{user.display_name} ({', '.join(teile)})"


class KapitelForm(forms.ModelForm):
    """The chapter's text; `version` is the version the editor started from (conflict check)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Kapitel
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 18})}
        help_texts = {
            "text": _("Markdown: **fett**, *kursiv*, Listen mit „- “, Überschriften mit „## “.")
        }


class KapitelNeuForm(forms.Form):
    title = forms.CharField(
        label=_("Überschrift des neuen Kapitels"), max_length=200,
        help_text=_("Ohne Nummer: das Portal nummeriert die Kapitel selbst."),
    )  # fmt: skip


class KommentarForm(forms.Form):
    text = forms.CharField(
        label=_("Ihr Kommentar zu diesem Kapitel"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class AntwortForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            (Kommentar.Status.AUFGENOMMEN, _("aufgenommen")),
            (Kommentar.Status.NICHT_AUFGENOMMEN, _("nicht aufgenommen")),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Antwort"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class BeschlussForm(forms.Form):
    gremium = forms.ModelChoiceField(label=_("Gremium"), queryset=Gremium.objects.all())
    decided_on = forms.DateField(label=_("beschlossen am"), widget=DatumInput())
    resolution = forms.CharField(
        label=_("Beschlussnummer"), max_length=100, help_text=_("zum Beispiel VO/22/0594")
    )
    resolution_url = forms.URLField(
        label=_("Link zum Ratsinformationssystem"), required=False, assume_scheme="https"
    )


class NotizForm(forms.Form):
    text = forms.CharField(
        label=_("Was ist passiert?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    progress = forms.IntegerField(label=_("Fortschritt in Prozent"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Status"), choices=Massnahme.Status.choices)


# --- Maintaining the measures -------------------------------------------------------------------


class SchwerpunktForm(forms.ModelForm):
    class Meta:
        model = Handlungsschwerpunkt
        fields = ["title"]
        error_messages = {"title": {"required": _("Bitte geben Sie einen Titel an.")}}


class ZielForm(forms.ModelForm):
    class Meta:
        model = Ziel
        fields = ["title"]
        error_messages = {"title": {"required": _("Bitte geben Sie einen Titel an.")}}


_DATUM = {"invalid": _("Bitte geben Sie ein gültiges Datum an, etwa 15.08.2023.")}
_FORTSCHRITT = _("Der Fortschritt liegt zwischen 0 und 100 Prozent.")


class MassnahmeForm(forms.ModelForm):
    """A measure as the coordination maintains it. Organisations, forums, needs and offers come
    through the model's relations: this floor does not import the apps above it. Status and
    progress carry the values the form was opened with (show_hidden_initial), so only a change
    made here overwrites a progress note saved meanwhile (services.massnahme_save)."""

    start = forms.DateField(
        label=_("Beginn"), required=False, error_messages=_DATUM,
        widget=DatumInput(),
    )  # fmt: skip
    end = forms.DateField(
        label=_("Ende"), required=False, error_messages=_DATUM,
        widget=DatumInput(),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Status"), choices=Massnahme.Status.choices, initial=Massnahme.Status.GEPLANT,
        show_hidden_initial=True,
    )  # fmt: skip
    progress = forms.IntegerField(
        label=_("Fortschritt in Prozent"), min_value=0, max_value=100, initial=0,
        show_hidden_initial=True,
        help_text=_("Status und Fortschritt halten sonst die Fortschrittsnotizen aktuell; eine "
                    "Änderung hier ist eine Korrektur durch die Koordination."),
        error_messages={
            "min_value": _FORTSCHRITT, "max_value": _FORTSCHRITT,
            "invalid": _("Bitte geben Sie den Fortschritt als ganze Zahl von 0 bis 100 an."),
            "required": _("Bitte geben Sie den Fortschritt an (0 bis 100)."),
        },
    )  # fmt: skip

    class Meta:
        model = Massnahme
        fields = [
            "ziel",
            "title",
            "description",
            "organisationen",
            "forum",
            "start",
            "end",
            "status",
            "progress",
            "bedarfe",
            "angebote",
            "sozialraeume",
        ]
        labels = {
            "sozialraeume": _("Sozialräume, an die sie sich richtet"),
            "title": _("Titel"),
            "organisationen": _("Verantwortliche Organisationen"),
            "bedarfe": _("Beantwortet diese Bedarfe aus den Foren"),
            "angebote": _("Schafft diese Angebote"),
        }
        help_texts = {
            "organisationen": _("Ihre freigegebenen Partner schreiben Fortschrittsnotizen."),
            "forum": _("Die Moderation dieses Forums schreibt Fortschrittsnotizen."),
            "sozialraeume": _(
                "Die Maßnahmenseite zeigt neben ihr die Bedarfsindikatoren dieser Sozialräume."
            ),
        }
        error_messages = {
            "title": {"required": _("Bitte geben Sie der Maßnahme einen Titel.")},
            "ziel": {
                "required": _("Bitte wählen Sie das Ziel, zu dem die Maßnahme gehört."),
                "invalid_choice": _("Bitte wählen Sie eines der Ziele dieses Konzepts."),
            },
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "organisationen": forms.CheckboxSelectMultiple,
            "bedarfe": forms.CheckboxSelectMultiple,
            "angebote": forms.CheckboxSelectMultiple,
            "sozialraeume": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, konzept: Konzept, **kwargs):
        super().__init__(*args, **kwargs)
        ziel = self.fields["ziel"]
        ziel.queryset = (
            Ziel.objects.filter(schwerpunkt__konzept=konzept)
            .select_related("schwerpunkt")
            .order_by("schwerpunkt__position", "schwerpunkt__pk", "position", "pk")
        )
        ziel.label_from_instance = lambda z: f"{z.schwerpunkt.title} › {z.title}"
        ziel.empty_label = None
        self.fields["forum"].empty_label = _("– kein Forum –")
        # Needs (Bedarfe) only; one linked before it became something else stays choosable.
        bedarfe = self.fields["bedarfe"]
        gewaehlt = self.instance.bedarfe.values("pk") if self.instance.pk else []
        bedarfe.queryset = (
            bedarfe.queryset.filter(Q(art="bedarf") | Q(pk__in=gewaehlt))
            .select_related("forum")
            .order_by("forum__name", "title", "pk")
        )
        bedarfe.label_from_instance = lambda b: f"{b.forum.name}: {b.title}"
        angebote = self.fields["angebote"]
        angebote.queryset = angebote.queryset.select_related("organisation").order_by(
            "title", "organisation__name", "pk"
        )
        angebote.label_from_instance = lambda a: f"{a.title} ({a.organisation.name})"
        raeume = self.fields["sozialraeume"]
        gewaehlte = self.instance.sozialraeume.values("pk") if self.instance.pk else []
        raeume.queryset = raeume.queryset.filter(Q(active=True) | Q(pk__in=gewaehlte))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has its token
        # Long lists of checkboxes scroll in a box; portal.js adds a filter field.
        liste = "auswahlliste"
        self.helper.layout = Layout(
            "title",
            "ziel",
            "description",
            Field("organisationen", wrapper_class=liste),
            "forum",
            Div(
                Div("start", css_class="col-sm-6"),
                Div("end", css_class="col-sm-6"),
                css_class="row",
            ),
            Div(
                Div("status", css_class="col-sm-6"),
                Div("progress", css_class="col-sm-6"),
                css_class="row",
            ),
            Field("sozialraeume", wrapper_class=liste),
            Field("bedarfe", wrapper_class=liste),
            Field("angebote", wrapper_class=liste),
        )


class MeilensteinForm(forms.ModelForm):
    date = forms.DateField(
        label=_("Datum"),
        widget=DatumInput(),
        error_messages={
            "required": _("Bitte geben Sie das Datum an."),
            "invalid": _("Bitte geben Sie ein gültiges Datum an, etwa 15.08.2023."),
        },
    )
    konzept = forms.ModelChoiceField(
        label=_("Konzept"),
        queryset=Konzept.objects.all(),
        required=False,
        empty_label=_("– zu keinem Konzept –"),
    )

    class Meta:
        model = Meilenstein
        fields = ["date", "title", "description", "konzept"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"title": _("Zum Beispiel „Lenkungskreis gegründet“.")}
        error_messages = {"title": {"required": _("Bitte geben Sie an, was geschehen ist.")}}


class LoeschenForm(forms.Form):
    loeschen = forms.ModelChoiceField(queryset=Meilenstein.objects.all())
