"""Forms for planning events (konferenzen.planung): the event, its series, copy and cancellation,
agenda items and working groups."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from foren.models import Forum
from netzwerk.rules import is_koordination
from netzwerk.sortierung import deutsch

from .models import Arbeitsgruppe, Tagesordnungspunkt, Veranstaltung

ZEITPUNKT = "%Y-%m-%dT%H:%M"


class ZeitpunktInput(forms.DateTimeInput):
    """The browser's date-and-time picker; its value is ISO without seconds."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ZEITPUNKT)


class UhrzeitInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _zeitpunkt(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label, required=required, widget=ZeitpunktInput(), help_text=help_text,
        input_formats=[ZEITPUNKT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )  # fmt: skip


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class VeranstaltungForm(forms.ModelForm):
    """One form for coordinators and moderators: a moderator's events are meetings of the
    forums they moderate (kind and forum fixed to those)."""

    start = _zeitpunkt(_("Beginn"))
    end = _zeitpunkt(_("Ende"))
    registration_opens = _zeitpunkt(_("Anmeldung ab"), required=False, help_text=_("Leer: sofort."))
    registration_closes = _zeitpunkt(
        _("Anmeldung bis"), required=False, help_text=_("Leer: bis zum Beginn.")
    )
    abfragen = forms.MultipleChoiceField(
        label=_("Bei der Anmeldung außerdem fragen"),
        choices=Veranstaltung.ABFRAGEN,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Name, E-Mail-Adresse, Organisation und Arbeitsgruppe werden immer erfasst."),
    )

    class Meta:
        model = Veranstaltung
        fields = [
            "art", "title", "forum", "start", "end", "place", "room", "online_url",
            "accessibility", "description", "visibility", "registration_opens",
            "registration_closes", "capacity", "abfragen",
        ]  # fmt: skip
        labels = {"online_url": _("Online-Link (für Online- und Hybridveranstaltungen)")}
        help_texts = {
            "description": _(
                "Markdown: **fett**, *kursiv*, Listen mit „-“, Links [Text](https://…)."
            ),
            "place": _("Adresse; leer lassen, wenn die Veranstaltung nur online stattfindet."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, forum: Forum | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.koordination = bool(is_koordination(user))
        forums = Forum.objects.order_by(deutsch("name"))
        if not self.koordination:
            # A moderator plans meetings of their own forums: the kind is fixed.
            forums = forums.filter(moderators=user)
            del self.fields["art"]
            self.fields["forum"].required = True
            self.fields["forum"].empty_label = None
        self.fields["forum"].queryset = forums
        if forum is not None and not self.instance.pk:
            self.fields["forum"].initial = forum.pk
            if "art" in self.fields:
                self.fields["art"].initial = Veranstaltung.Art.FORUMSSITZUNG
        if not self.instance.pk:
            self.initial.setdefault("abfragen", ["needs", "on_list"])

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("Das Ende muss nach dem Beginn liegen."))
        if not (data.get("place") or data.get("online_url")):
            self.add_error(
                "place", _("Bitte geben Sie einen Ort an, einen Online-Link, oder beides.")
            )
        return data

    def save(self, commit=False):
        instance = super().save(commit=False)
        if not self.koordination:
            instance.art = Veranstaltung.Art.FORUMSSITZUNG
        return instance


class NeueVeranstaltungForm(VeranstaltungForm):
    """Creating: optionally a series, and inviting the forum's members in the same step."""

    EINHEITEN = [
        ("", _("einmalig")),
        ("wochen", _("alle n Wochen")),
        ("monate", _("alle n Monate")),
    ]

    wiederholung = forms.ChoiceField(
        label=_("Wiederholung"), choices=EINHEITEN, required=False, widget=forms.RadioSelect
    )
    abstand = forms.IntegerField(
        label=_("Abstand n"), min_value=1, max_value=12, initial=1, required=False,
        help_text=_("Zum Beispiel 4 mit „alle n Wochen“: alle vier Wochen."),
    )  # fmt: skip
    anzahl = forms.IntegerField(
        label=_("Anzahl der Termine"), min_value=1, max_value=52, initial=6, required=False
    )
    mitglieder_einladen = forms.BooleanField(
        label=_("Die Mitglieder des Forums gleich einladen"), required=False,
        help_text=_("Jedes Mitglied bekommt eine Einladung per E-Mail mit persönlichem Link."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("wiederholung"):
            if not data.get("abstand"):
                self.add_error("abstand", _("Bitte geben Sie den Abstand an."))
            if not data.get("anzahl") or data["anzahl"] < 2:
                self.add_error("anzahl", _("Eine Serie hat mindestens 2 Termine."))
        if data.get("mitglieder_einladen") and not data.get("forum"):
            self.add_error(
                "mitglieder_einladen", _("Einladen lassen sich nur die Mitglieder eines Forums.")
            )
        return data


class BearbeitenForm(VeranstaltungForm):
    benachrichtigen = forms.BooleanField(
        label=_("Angemeldete über geänderte Zeit oder geänderten Ort per E-Mail informieren"),
        required=False,
        initial=True,
        help_text=_("Nur wenn sich Beginn, Ende, Ort, Raum oder Online-Link ändern."),
    )


class KopierenForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    start = _zeitpunkt(
        _("Neuer Beginn"),
        help_text=_("Ende, Anmeldefristen und Tagesordnung verschieben sich um denselben Abstand."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AbsagenForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Absage"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Steht in der E-Mail an alle Angemeldeten und auf der Veranstaltungsseite."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class TopForm(forms.ModelForm):
    class Meta:
        model = Tagesordnungspunkt
        fields = ["time", "end_time", "title", "speaker"]
        labels = {"speaker": _("Wer spricht oder ist verantwortlich")}
        widgets = {"time": UhrzeitInput(), "end_time": UhrzeitInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class GruppeForm(forms.ModelForm):
    class Meta:
        model = Arbeitsgruppe
        fields = ["name", "description", "runde", "capacity"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"capacity": _("Leer: ohne Begrenzung.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class GruppeLoeschenForm(forms.Form):
    ziel = forms.ModelChoiceField(
        label=_("Wohin gehen die Angemeldeten dieser Arbeitsgruppe?"),
        queryset=Arbeitsgruppe.objects.none(),
        required=False,
        empty_label=_("ohne Arbeitsgruppe (die Anmeldung zur Veranstaltung bleibt)"),
    )

    def __init__(self, *args, gruppe: Arbeitsgruppe, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ziel"].queryset = gruppe.veranstaltung.arbeitsgruppen.exclude(pk=gruppe.pk)
        self.helper = _helper()
