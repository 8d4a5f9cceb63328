from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from akteure.models import Organisationstyp
from foren.models import Forum
from netzwerk.models import Lebensphase, Sozialraum
from netzwerk.vokabular import nur_aktive_begriffe

from .models import Anmeldung, Veranstaltung


def _gruppe_label(gruppe) -> str:
    if gruppe.capacity is None:
        return gruppe.name
    frei = max(gruppe.capacity - gruppe.belegt, 0)
    return _("%(name)s (%(frei)s von %(cap)s Plätzen frei)") % {
        "name": gruppe.name, "frei": frei, "cap": gruppe.capacity,
    }  # fmt: skip


class GruppenMixin:
    """One choice per time slot (Runde) of the event's working groups: radio lists, or selects
    where several people are registered on one page."""

    def add_gruppen(self, gruppen, *, widget=forms.RadioSelect) -> list[str]:
        self.gruppen = {g.pk: g for g in gruppen}
        runden = sorted({g.runde for g in gruppen})
        for runde in runden:
            choices = [("", _("keine Arbeitsgruppe"))] + [
                (g.pk, _gruppe_label(g)) for g in gruppen if g.runde == runde
            ]
            label = (
                _("Arbeitsgruppe")
                if len(runden) == 1
                else _("Arbeitsgruppe, Zeitfenster %(n)s") % {"n": runde}
            )
            self.fields[f"runde_{runde}"] = forms.TypedChoiceField(
                label=label, choices=choices, coerce=int, empty_value=None, required=False,
                widget=widget,
            )  # fmt: skip
        return [f"runde_{r}" for r in runden]

    def chosen(self) -> list:
        return [
            self.gruppen[pk]
            for name, pk in self.cleaned_data.items()
            if name.startswith("runde_") and pk is not None
        ]


class AnmeldungForm(GruppenMixin, forms.ModelForm):
    """Name and address come from the account (or the invitation); one working group per slot."""

    class Meta:
        model = Anmeldung
        fields = ["needs", "comment", "on_list"]
        widgets = {
            "needs": forms.Textarea(attrs={"rows": 2}),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, veranstaltung: Veranstaltung, gruppen, **kwargs):
        super().__init__(*args, **kwargs)
        runden = self.add_gruppen(gruppen)
        # Only what the organisers chose to ask (Veranstaltung.abfragen).
        asked = set(veranstaltung.abfragen or [])
        for name in ("needs", "comment", "on_list"):
            if name not in asked:
                del self.fields[name]
        # Consent fields come last, as people read the form.
        self.order_fields(runden + ["needs", "comment", "on_list"])
        self.helper = FormHelper()
        self.helper.form_tag = False


class EinladungAnmeldungForm(AnmeldungForm):
    """Through an invitation link: no account, so name and organisation are asked (prefilled)."""

    class Meta(AnmeldungForm.Meta):
        fields = ["name", "organisation_name", "needs", "comment", "on_list"]
        labels = {"organisation_name": _("Organisation")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.order_fields(["name", "organisation_name"] + list(self.fields))


class DelegierteForm(GruppenMixin, forms.Form):
    """A colleague registered in the same go."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=254, required=False)
    needs = forms.CharField(label=_("Barrierefreiheit, Ernährung"), max_length=1000, required=False)
    on_list = forms.BooleanField(label=_("Name auf der Teilnehmendenliste"), required=False)

    def __init__(self, *args, gruppen=(), **kwargs):
        super().__init__(*args, **kwargs)
        runden = self.add_gruppen(gruppen, widget=forms.Select)
        self.order_fields(["name", "email"] + runden + ["needs", "on_list"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        if self.has_changed() and not (data.get("name") and data.get("email")):
            message = _("Bitte Name und E-Mail-Adresse angeben, oder die Zeile leer lassen.")
            field = "email" if data.get("name") else "name"
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def person(self) -> dict | None:
        if not self.cleaned_data.get("email"):
            return None
        return {
            "name": self.cleaned_data["name"],
            "email": self.cleaned_data["email"],
            "arbeitsgruppen": self.chosen(),
            "needs": self.cleaned_data["needs"],
            "on_list": self.cleaned_data["on_list"],
        }


class BaseDelegierteFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        emails = [
            f.cleaned_data.get("email", "").lower()
            for f in self.forms
            if f.cleaned_data.get("email")
        ]
        if len(emails) != len(set(emails)):
            raise ValidationError(_("Jede Person braucht ihre eigene E-Mail-Adresse."))

    def personen(self) -> list[dict]:
        return [p for f in self.forms if (p := f.person())]


DelegierteFormSet = forms.formset_factory(
    DelegierteForm, formset=BaseDelegierteFormSet, extra=3, max_num=20, validate_max=True
)


class EinladungVersandForm(forms.Form):
    """Whom to invite: one circle per run."""

    QUELLEN = [
        ("forum", _("Mitglieder eines Forums")),
        ("kontakte", _("Kontakte aus dem Akteursverzeichnis")),
        ("gremium", _("das Gremium (Steuerungsgruppe)")),
        ("liste", _("eine Liste (einfügen oder hochladen)")),
    ]
    quelle = forms.ChoiceField(label=_("Wen einladen?"), choices=QUELLEN, widget=forms.RadioSelect)
    forum = forms.ModelChoiceField(label=_("Forum"), queryset=Forum.objects.all(), required=False)
    typen = forms.ModelMultipleChoiceField(
        label=_("Organisationstypen"), queryset=Organisationstyp.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    lebensphasen = forms.ModelMultipleChoiceField(
        label=_("Lebensphasen"), queryset=Lebensphase.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    sozialraeume = forms.ModelMultipleChoiceField(
        label=_("Sozialräume"), queryset=Sozialraum.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    liste = forms.CharField(
        label=_("Liste zum Einfügen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Eine Person je Zeile: „Name &lt;adresse@beispiel.de&gt;“ oder "
                    "„Name; adresse@beispiel.de; Organisation“."),
    )  # fmt: skip
    datei = forms.FileField(
        label=_("oder Liste hochladen (CSV oder XLSX)"),
        required=False,
        help_text=_("Spalten Name, E-Mail, Organisation; höchstens 2 MB."),
    )

    def __init__(self, *args, koordination: bool = True, forum=None, **kwargs):
        super().__init__(*args, **kwargs)
        nur_aktive_begriffe(self)
        if not koordination:
            # The registry's contacts and the committee are the coordination's to invite; a
            # moderator invites their forum and lists of their own.
            self.fields["quelle"].choices = [
                (key, label) for key, label in self.QUELLEN if key in ("forum", "liste")
            ]
            self.fields["forum"].queryset = Forum.objects.filter(pk=forum.pk if forum else None)
            for name in ("typen", "lebensphasen", "sozialraeume"):
                del self.fields[name]

    def clean_datei(self):
        datei = self.cleaned_data.get("datei")
        if datei and datei.size > 2_000_000:
            raise ValidationError(_("Die Datei ist größer als 2 MB."))
        return datei

    def clean(self):
        data = super().clean()
        quelle = data.get("quelle")
        if quelle == "forum" and not data.get("forum"):
            self.add_error("forum", _("Bitte wählen Sie ein Forum."))
        if quelle == "kontakte" and not (
            data.get("typen") or data.get("lebensphasen") or data.get("sozialraeume")
        ):  # (only the coordination's form has these)
            raise ValidationError(
                _("Bitte wählen Sie mindestens einen Organisationstyp, eine Lebensphase oder "
                  "einen Sozialraum.")
            )  # fmt: skip
        if quelle == "liste" and not (data.get("liste", "").strip() or data.get("datei")):
            self.add_error("liste", _("Bitte fügen Sie eine Liste ein oder laden Sie eine hoch."))
        return data
