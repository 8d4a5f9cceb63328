from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from akteure.models import Angebot
from netzwerk.dateien import dokument_accept, dokument_hinweis, dokument_pruefen
from netzwerk.models import User
from netzwerk.sortierung import deutsch
from netzwerk.text import unique_slug
from netzwerk.vokabular import nur_aktive_begriffe

from .models import Abstimmung, Beitrag, Dokument, Forum, Interessensbekundung


def _no_form_tag(form: forms.BaseForm) -> None:
    form.helper = FormHelper()
    form.helper.form_tag = False


UMLAUTE = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def kuerzel(name: str) -> str:
    """An address's short name from a German name: "Übergänge gestalten" -> uebergaenge-gestalten
    (static/js/kuerzel.js proposes the same while the name is typed)."""
    return slugify(name.translate(UMLAUTE))


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = [
            "name",
            "slug",
            "handlungsfeld",
            "description",
            "status",
            "visibility",
            "themen",
            "moderators",
        ]
        widgets = {
            "themen": forms.CheckboxSelectMultiple,
            "moderators": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "moderators": _("Moderatorinnen und Moderatoren führen das Forum: Mitglieder, "
                            "Sammlung, Abstimmungen."),
        }  # fmt: skip

    # Addresses of the forum area itself; a forum of that name could not be reached.
    RESERVED_SLUGS = {"neu", "uebersicht", "interesse"}

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in self.RESERVED_SLUGS:
            raise forms.ValidationError(
                _("„%(slug)s“ ist für das Portal reserviert. Bitte wählen Sie ein anderes Kürzel.")
                % {"slug": slug}
            )
        return slug

    def clean(self):
        data = super().clean()
        # Left empty: made from the name ("Sprache und Bildung" -> sprache-und-bildung), with a
        # number added when another forum (or a reserved address) has it already.
        if not data.get("slug") and data.get("name") and "slug" not in self.errors:
            data["slug"] = unique_slug(
                Forum, data["name"].translate(UMLAUTE), "forum", cut=190,
                reserved=self.RESERVED_SLUGS, exclude_pk=self.instance.pk,
            )  # fmt: skip
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields["slug"]
        slug.required = False
        slug.help_text = _(
            "Kurzname für die Adresse, z. B. forum-gesundheit. Leer lassen: wird aus dem Namen "
            "gebildet."
        )
        # static/js/kuerzel.js proposes it while the name is typed.
        slug.widget.attrs["data-kuerzel-aus"] = "name"
        nur_aktive_begriffe(self)  # inactive terms: only where the forum has them
        moderators = self.fields["moderators"]
        moderators.queryset = User.objects.filter(
            is_active=True, approved_at__isnull=False
        ).order_by(deutsch("last_name"), deutsch("first_name"))
        moderators.label_from_instance = lambda u: f"{u.display_name} ({u.email})"
        _no_form_tag(self)
        # Long lists scroll in a box with a filter field above (portal.js, "auswahlliste").
        self.helper.layout = Layout(
            *[
                Field(name, wrapper_class="auswahlliste") if name == "moderators" else name
                for name in self.Meta.fields
            ]
        )


class BeitrittForm(forms.Form):
    message = forms.CharField(
        label=_("Nachricht an die Moderation (freiwillig)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "textarea form-control"}),
        help_text=_("Zum Beispiel, was Sie oder Ihre Organisation einbringen möchten."),
    )


class EntscheidungForm(forms.Form):
    answer = forms.CharField(
        label=_("Nachricht an die Person (freiwillig)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MitgliedAddForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person aus dem Akteursverzeichnis"),
        queryset=User.objects.none(),
        help_text=_("Hier stehen Personen mit freigegebenem Zugang, die noch nicht Mitglied sind."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.display_name} – {u.person.organisation}"
        )
        _no_form_tag(self)


class InteresseForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_(
            "Ich willige ein, dass die Koordination meine Angaben speichert, um mich zu diesem "
            "Forum zu kontaktieren. Ich kann das jederzeit widerrufen (siehe Datenschutz)."
        ),
        error_messages={"required": _("Ohne Ihre Einwilligung können wir Sie nicht kontaktieren.")},
    )
    # A field people never see; bots fill it in.
    homepage = forms.CharField(label=_("Bitte leer lassen"), required=False)

    class Meta:
        model = Interessensbekundung
        fields = ["name", "organisation", "email", "message"]
        labels = {"message": _("Nachricht (freiwillig)")}
        help_texts = {"email": _("Sie erhalten eine E-Mail mit einem Link zur Bestätigung.")}
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homepage"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        _no_form_tag(self)
        self.helper.layout = Layout(
            *self.Meta.fields,
            "consent",
            Div("homepage", css_class="honigtopf", **{"aria-hidden": "true"}),
        )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))


class BeitragForm(forms.ModelForm):
    # Offered only when the title is taken in the forum's collection already (see clean).
    trotzdem = forms.BooleanField(
        label=_("Trotzdem als neuen Beitrag eintragen"),
        required=False,
        help_text=_("Nur wenn es wirklich etwas anderes ist als der vorhandene Beitrag."),
    )

    class Meta:
        model = Beitrag
        fields = ["art", "title", "text", "lebensphasen", "angebot", "status"]
        widgets = {
            "art": forms.RadioSelect,
            "lebensphasen": forms.CheckboxSelectMultiple,
            "text": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, darf_status: bool = False, forum: Forum | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Given on creation: a title the collection has already is pointed out (clean).
        self.forum = forum
        self.duplikate: list[Beitrag] = []
        self.fields["angebot"].queryset = Angebot.objects.select_related("organisation").order_by(
            "organisation__name", "title"
        )
        self.fields["angebot"].label_from_instance = lambda a: f"{a.organisation} – {a.title}"
        self.fields["art"].choices = Beitrag.Art.choices  # a radio list without "---------"
        nur_aktive_begriffe(self)  # inactive life phases: only where the entry has them
        if not darf_status:
            # The status is the moderators' word on an entry.
            del self.fields["status"]
        _no_form_tag(self)
        self.helper.layout = Layout(*[name for name in self.fields if name != "trotzdem"])

    def clean(self):
        data = super().clean()
        if data.get("angebot") and data.get("art") != Beitrag.Art.BESTAND:
            self.add_error(
                "angebot",
                _("Ein Angebot aus dem Verzeichnis gehört nur zu einem Bestand. Bitte wählen Sie "
                  "als Art „Bestand“ oder lassen Sie das Angebot leer."),
            )  # fmt: skip
        title = " ".join((data.get("title") or "").split())
        if self.forum is not None and title:
            self.duplikate = list(
                Beitrag.objects.filter(forum=self.forum, title__iexact=title)
                .exclude(pk=self.instance.pk)
                .order_by("created_at", "pk")[:3]
            )
            if self.duplikate:
                # The second submit may still create it: the box to say so appears now.
                self.helper.layout.append("trotzdem")
            if self.duplikate and not data.get("trotzdem"):
                self.add_error(
                    "title",
                    _("Einen Beitrag mit diesem Titel gibt es in der Sammlung schon (oben "
                      "verlinkt). Ergänzen Sie lieber den vorhandenen, etwa mit einem "
                      "Kommentar, oder bestätigen Sie unten, dass Sie trotzdem einen neuen "
                      "eintragen möchten."),
                )  # fmt: skip
        return data


class KommentarForm(forms.Form):
    text = forms.CharField(
        label=_("Ihr Kommentar"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown ist möglich."),
    )


class AbstimmungForm(forms.ModelForm):
    class Meta:
        model = Abstimmung
        fields = ["title", "punkte", "max_pro_beitrag", "beitraege"]
        widgets = {"beitraege": forms.CheckboxSelectMultiple}
        labels = {"beitraege": _("Zur Wahl stehen")}

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beitraege"].queryset = (
            Beitrag.objects.filter(forum=forum)
            .exclude(status=Beitrag.Status.ERLEDIGT)
            .order_by("art", deutsch("title"))
        )
        self.fields["beitraege"].label_from_instance = lambda b: f"{b.get_art_display()}: {b.title}"
        self.fields["punkte"].initial = 5
        self.fields["max_pro_beitrag"].initial = 2
        self.fields["punkte"].widget.attrs.update({"min": 1, "max": 100})
        self.fields["max_pro_beitrag"].widget.attrs.update({"min": 1, "max": 100})
        _no_form_tag(self)

    def clean(self):
        data = super().clean()
        punkte, maximum = data.get("punkte"), data.get("max_pro_beitrag")
        if punkte is not None and not 1 <= punkte <= 100:
            self.add_error("punkte", _("Bitte wählen Sie 1 bis 100 Punkte."))
        if maximum is not None and maximum < 1:
            self.add_error("max_pro_beitrag", _("Mindestens ein Punkt pro Beitrag."))
        if punkte and maximum and maximum > punkte:
            self.add_error(
                "max_pro_beitrag",
                _("Höchstens so viele Punkte pro Beitrag, wie ein Mitglied insgesamt hat."),
            )
        if data.get("beitraege") is not None and len(data["beitraege"]) < 2:
            self.add_error("beitraege", _("Bitte wählen Sie mindestens zwei Beiträge."))
        return data


class VerteilungForm(forms.Form):
    """One number field per entry of the round; the limits are checked here for the message next
    to the field, and again under a lock in the service (foren.services.stimmen_set)."""

    def __init__(self, *args, abstimmung: Abstimmung, beitraege, initial_points: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.abstimmung = abstimmung
        for beitrag in beitraege:
            self.fields[f"b{beitrag.pk}"] = forms.IntegerField(
                label=f"{beitrag.get_art_display()}: {beitrag.title}",
                min_value=0,
                max_value=abstimmung.max_pro_beitrag,
                initial=initial_points.get(beitrag.pk, 0),
                required=False,
                error_messages={
                    "max_value": _("Höchstens %(limit_value)s Punkte auf einen Beitrag."),
                    "min_value": _("Punkte können nicht negativ sein."),
                    "invalid": _("Bitte eine ganze Zahl eingeben."),
                },
            )
            self.fields[f"b{beitrag.pk}"].widget.attrs.update({"inputmode": "numeric"})
        _no_form_tag(self)

    def verteilung(self) -> dict[int, int]:
        return {int(name[1:]): value or 0 for name, value in self.cleaned_data.items()}

    def clean(self):
        data = super().clean()
        summe = sum(value or 0 for value in data.values())
        if summe > self.abstimmung.punkte:
            raise forms.ValidationError(
                _("Sie haben %(s)s Punkte verteilt, aber nur %(n)s zur Verfügung."),
                params={"s": summe, "n": self.abstimmung.punkte},
            )
        return data


class DokumentForm(forms.ModelForm):
    class Meta:
        model = Dokument
        fields = ["title", "art", "visibility", "veranstaltung", "file"]
        widgets = {"art": forms.RadioSelect, "visibility": forms.RadioSelect}

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.typ = None
        meetings = forum.veranstaltungen.order_by("-start")
        self.fields["veranstaltung"].queryset = meetings
        self.fields["veranstaltung"].required = False
        if not meetings.exists():
            del self.fields["veranstaltung"]
        self.fields["file"].help_text = dokument_hinweis(settings.FOREN_DOKUMENT_MAX_BYTES)
        self.fields["file"].widget.attrs["accept"] = dokument_accept()
        _no_form_tag(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.typ = dokument_pruefen(upload, max_bytes=settings.FOREN_DOKUMENT_MAX_BYTES)
        return upload
