"""Forms of the family guide: the search (GET, read into a Suche) and what an offer's owner adds
for families on the offer's edit page (times, translations)."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from akteure.models import Angebot, Angebotsuebersetzung, Angebotszeit

from .selectors import TAGESZEITEN, Suche, Vokabular


def _mehrfach(choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(required=False, choices=choices)


class SucheForm(forms.Form):
    """The query string of /wegweiser/. Values that do not fit are dropped, not fatal: a shared
    link whose district was renamed still shows the rest of its search."""

    q = forms.CharField(label=_("Suchbegriff"), required=False, max_length=100)
    alter = forms.IntegerField(
        label=_("Alter des Kindes"), required=False, min_value=0, max_value=99
    )
    einheit = forms.ChoiceField(
        label=_("Alter in"),
        required=False,
        choices=[("jahre", _("Jahren")), ("monate", _("Monaten"))],
    )
    kostenlos = forms.BooleanField(required=False)
    barrierefrei = forms.BooleanField(required=False)

    # Every parameter of a search, the language and the page: what an offer's link carries so
    # that its "Zurück zur Suche" returns to the same results.
    PARAMETER = frozenset(
        ("q", "alter", "einheit", "kostenlos", "barrierefrei", "phase", "sozialraum", "thema")
        + ("angebotssprache", "tag", "zeit", "sprache", "page")
    )

    def __init__(self, data, *, vok: Vokabular):
        super().__init__(data)
        self.fields["phase"] = _mehrfach([(p.slug, p.name) for p in vok.lebensphasen])
        self.fields["sozialraum"] = _mehrfach([(s.slug, s.name) for s in vok.sozialraeume])
        self.fields["thema"] = _mehrfach([(h.slug, h.name) for h in vok.handlungsfelder])
        self.fields["angebotssprache"] = _mehrfach([(s.slug, s.name) for s in vok.sprachen])
        self.fields["tag"] = _mehrfach(Angebotszeit.Wochentag.choices)
        self.fields["zeit"] = _mehrfach([(t, t) for t in TAGESZEITEN])

    def suche(self) -> Suche:
        self.is_valid()
        data = self.cleaned_data
        alter = data.get("alter")
        monate = None
        if alter is not None:
            monate = alter if data.get("einheit") == "monate" else 12 * alter
        return Suche(
            q=data.get("q") or "",
            alter_monate=monate,
            lebensphasen=tuple(data.get("phase") or ()),
            sozialraeume=tuple(data.get("sozialraum") or ()),
            handlungsfelder=tuple(data.get("thema") or ()),
            sprachen=tuple(data.get("angebotssprache") or ()),
            wochentage=tuple(int(t) for t in data.get("tag") or ()),
            tageszeiten=tuple(data.get("zeit") or ()),
            kostenlos=bool(data.get("kostenlos")),
            barrierefrei=bool(data.get("barrierefrei")),
        )


class AngebotszeitForm(forms.ModelForm):
    class Meta:
        model = Angebotszeit
        fields = ["wochentag", "beginn", "ende"]
        widgets = {
            "beginn": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ende": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        beginn, ende = data.get("beginn"), data.get("ende")
        if beginn and ende and ende <= beginn:
            self.add_error("ende", _("Das Ende muss nach dem Beginn liegen."))
        # With the error on "ende" the model's check constraint is skipped (its message is
        # Django's generic one).
        return data


AngebotszeitFormSet = inlineformset_factory(
    Angebot, Angebotszeit, form=AngebotszeitForm, extra=2, can_delete=True, max_num=14
)


class UebersetzungForm(forms.Form):
    """An offer's text in one language of the guide; an empty heading removes the translation."""

    title = forms.CharField(label=_("Überschrift"), required=False, max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sprache: str, name: str, **kwargs):
        super().__init__(*args, prefix=f"ue-{sprache}", **kwargs)
        self.sprache, self.name = sprache, name
        for feld in self.fields.values():
            feld.label = f"{feld.label} ({name})"
            # Typed in that language: screen readers and spell checkers follow the tag.
            feld.widget.attrs.update({"lang": sprache, "dir": "auto"})

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("title"):
            self.add_error("title", _("Bitte geben Sie auch eine Überschrift an."))
        return data


def _text(uebersetzung: Angebotsuebersetzung | None) -> dict | None:
    if uebersetzung is None:
        return None
    return {"title": uebersetzung.title, "description": uebersetzung.description}


class AngebotZusatz:
    """What the guide shows beyond the registry's fields: weekly times and translations, edited
    together with the offer and saved in its transaction. A POST without a part (a client that
    only knows the registry's fields) leaves that part as it is."""

    def __init__(self, data, *, angebot: Angebot):
        self.angebot = angebot
        posted = data if data is not None else {}
        self.zeiten = AngebotszeitFormSet(
            data if "zeiten-TOTAL_FORMS" in posted else None, instance=angebot, prefix="zeiten"
        )
        vorhanden = {u.sprache: u for u in angebot.uebersetzungen.all()}
        self.uebersetzungen = [
            UebersetzungForm(
                data if any(k.startswith(f"ue-{code}-") for k in posted) else None,
                sprache=code,
                name=name,
                initial=_text(vorhanden.get(code)),
            )
            for code, name in Angebotsuebersetzung.Sprache.choices
        ]

    def _teile(self) -> list:
        return [t for t in (self.zeiten, *self.uebersetzungen) if t.is_bound]

    @property
    def errors(self) -> bool:
        return bool(self.zeiten.total_error_count()) or any(f.errors for f in self.uebersetzungen)

    def is_valid(self) -> bool:
        # Every part validated, so that every error is shown at once.
        return all([teil.is_valid() for teil in self._teile()])
