"""After an event: minutes and results, one text (Markdown) with documents for the event and one
for each working group, read by everyone who may see the event once something is written.

Saving a text that someone else changed after the page was opened is refused instead of
overwriting their work (`protokoll_save`'s `gelesen`). The attendance figures of the same page
are konferenzen.selectors.teilnahme_statistik.
"""

import hashlib

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from netzwerk.dateien import Dateityp, dokument_accept, dokument_hinweis, dokument_pruefen

from .models import Arbeitsgruppe, Protokoll, Protokolldokument, Veranstaltung


def stand(text: str) -> str:
    """A fingerprint of the text an editor started from (a hidden field of the form)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _protokoll(veranstaltung: Veranstaltung, arbeitsgruppe: Arbeitsgruppe | None) -> Protokoll:
    """The minutes' row, created on first use and locked until the transaction ends."""
    if arbeitsgruppe is not None and arbeitsgruppe.veranstaltung_id != veranstaltung.pk:
        raise ValueError("Die Arbeitsgruppe gehört zu einer anderen Veranstaltung.")
    # get_or_create survives a concurrent first save: the unique constraints make the second
    # insert fail, and it then finds the first one's row.
    protokoll, _created = Protokoll.objects.get_or_create(
        veranstaltung=veranstaltung, arbeitsgruppe=arbeitsgruppe
    )
    return Protokoll.objects.select_for_update().get(pk=protokoll.pk)


@transaction.atomic
def protokoll_save(
    *,
    veranstaltung: Veranstaltung,
    arbeitsgruppe: Arbeitsgruppe | None = None,
    text: str,
    by,
    gelesen: str | None = None,
) -> Protokoll:
    """One text per event and per working group. `gelesen` is the `stand` of the text the editor
    started from: if the saved text has changed since, nothing is written (ValidationError), so
    two people editing the same minutes never silently overwrite each other."""
    protokoll = _protokoll(veranstaltung, arbeitsgruppe)
    if gelesen is not None and stand(protokoll.text) != gelesen:
        wer = protokoll.updated_by.display_name if protokoll.updated_by else gettext("jemand")
        raise ValidationError(
            gettext(
                "Während Sie geschrieben haben, hat %(wer)s diesen Text geändert (%(wann)s). "
                "Ihr Text steht noch im Feld, die gespeicherte Fassung darüber. Bitte führen Sie "
                "beides zusammen und speichern Sie erneut."
            )
            % {
                "wer": wer,
                "wann": formats.date_format(timezone.localtime(protokoll.updated_at), "d.m.Y, H:i"),
            },
            code="geaendert",
        )
    if protokoll.text != text:
        protokoll.text = text
        protokoll.updated_at = timezone.now()
        protokoll.updated_by = by
        protokoll.save(update_fields=["text", "updated_at", "updated_by"])
    return protokoll


@transaction.atomic
def dokument_add(
    *,
    veranstaltung: Veranstaltung,
    arbeitsgruppe: Arbeitsgruppe | None = None,
    upload,
    typ: Dateityp,
    by,
) -> Protokolldokument:
    """Store an upload whose type has been read from its content (netzwerk.dateien); the stored
    name is the portal's own, the uploader's name is kept for the download."""
    protokoll = _protokoll(veranstaltung, arbeitsgruppe)
    dokument = Protokolldokument(
        protokoll=protokoll,
        filename=upload.name[:255],
        content_type=typ.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    dokument.file.save(upload.name, upload, save=False)
    dokument.save()
    return dokument


@transaction.atomic
def dokument_delete(*, dokument: Protokolldokument) -> None:
    """The row goes at once; the stored file once that is committed."""
    storage, name = dokument.file.storage, dokument.file.name
    dokument.delete()
    transaction.on_commit(lambda: storage.delete(name))


class ProtokollForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=Protokoll._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Markdown ist möglich: „## Überschrift“, „**fett**“, „- Aufzählung“, "
            "„[Linktext](https://…)“."
        ),
    )
    stand = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label


class ProtokolldokumentForm(forms.Form):
    datei = forms.FileField()

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.typ: Dateityp | None = None
        self.fields["datei"].label = label
        self.fields["datei"].help_text = dokument_hinweis(settings.FOREN_DOKUMENT_MAX_BYTES)
        self.fields["datei"].widget.attrs["accept"] = dokument_accept()

    def clean_datei(self):
        upload = self.cleaned_data["datei"]
        self.typ = dokument_pruefen(upload, max_bytes=settings.FOREN_DOKUMENT_MAX_BYTES)
        return upload
