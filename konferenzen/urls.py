from django.urls import path

from .views import einladung, meine, nachbereitung, oeffentlich, planung, tag, verwaltung

app_name = "konferenzen"

urlpatterns = [
    path("", oeffentlich.veranstaltung_list, name="veranstaltung-list"),
    path("kalender.ics", oeffentlich.kalender_public, name="kalender-public"),
    path("kalender/", oeffentlich.kalender_abo, name="kalender-abo"),
    path("kalender/<str:token>.ics", oeffentlich.kalender_personal, name="kalender-personal"),
    path("<int:pk>/", oeffentlich.veranstaltung_detail, name="veranstaltung-detail"),
    path("<int:pk>/kalender.ics", oeffentlich.veranstaltung_ics, name="veranstaltung-ics"),
    path("anmeldung/<str:token>/", oeffentlich.anmeldung_manage, name="anmeldung-manage"),
    path("<int:pk>/kollegium/", oeffentlich.delegierte, name="delegierte"),
    # One's own registrations and one's delegates' (konferenzen/views/meine.py)
    path("meine-anmeldungen/", meine.meine_anmeldungen, name="meine-anmeldungen"),
    path(
        "meine-anmeldungen/<int:anmeldung_pk>/",
        meine.meine_anmeldung_aendern,
        name="meine-anmeldung-aendern",
    ),
    # Invitation links (no account needed)
    path("einladung/<str:token>/", einladung.einladung, name="einladung"),
    # Managing an event
    path("<int:pk>/anmeldungen/", verwaltung.anmeldung_list, name="anmeldung-list"),
    path("<int:pk>/anmeldungen/import/", verwaltung.anmeldung_import, name="anmeldung-import"),
    path(
        "<int:pk>/anmeldungen/<int:anmeldung_pk>/",
        verwaltung.anmeldung_action,
        name="anmeldung-action",
    ),
    path("<int:pk>/einladungen/", verwaltung.einladung_list, name="einladung-list"),
    path("<int:pk>/einladungen/erinnern/", verwaltung.einladung_remind, name="einladung-remind"),
    path("versand/<int:versand_pk>/", verwaltung.versand_progress, name="versand-progress"),
    # On the day (konferenzen/views/tag.py)
    path("<int:pk>/tag/", tag.tag, name="tag"),
    path("<int:pk>/tag/anwesend/<int:anmeldung_pk>/", tag.anwesend, name="tag-anwesend"),
    path("<int:pk>/tag/teilnehmende.pdf", tag.teilnehmerliste_pdf, name="teilnehmerliste-pdf"),
    path("<int:pk>/tag/drucke/", tag.drucke, name="drucke"),
    path("<int:pk>/tag/drucke/<int:druck_pk>/", tag.druck, name="druck"),
    path("<int:pk>/tag/teilnehmende/", tag.teilnehmerliste, name="teilnehmerliste"),
    path("<int:pk>/tag/namensschilder.pdf", tag.namensschilder_pdf, name="namensschilder-pdf"),
    path("einlass/<str:code>/", tag.checkin, name="checkin"),
    # After (konferenzen/views/nachbereitung.py)
    path("<int:pk>/nachbereitung/", nachbereitung.nachbereitung, name="nachbereitung"),
    path(
        "<int:pk>/protokoll/dokumente/<int:dokument_pk>/",
        nachbereitung.protokoll_dokument,
        name="protokoll-dokument",
    ),
    path(
        "<int:pk>/protokoll/dokumente/<int:dokument_pk>/loeschen/",
        nachbereitung.protokoll_dokument_delete,
        name="protokoll-dokument-delete",
    ),
]

# Planning (konferenzen/views/planung.py)
urlpatterns += [
    path("neu/", planung.veranstaltung_create, name="veranstaltung-create"),
    path("<int:pk>/bearbeiten/", planung.veranstaltung_edit, name="veranstaltung-edit"),
    path("<int:pk>/kopieren/", planung.veranstaltung_copy, name="veranstaltung-copy"),
    path("<int:pk>/absagen/", planung.veranstaltung_cancel, name="veranstaltung-cancel"),
    path("<int:pk>/programm/", planung.programm, name="programm"),
    path("<int:pk>/programm/punkte/<int:top_pk>/", planung.top_edit, name="top-edit"),
    path("<int:pk>/programm/punkte/<int:top_pk>/verschieben/", planung.top_move, name="top-move"),
    path("<int:pk>/programm/punkte/<int:top_pk>/loeschen/", planung.top_delete, name="top-delete"),
    path("<int:pk>/programm/gruppen/<int:gruppe_pk>/", planung.gruppe_edit, name="gruppe-edit"),
    path(
        "<int:pk>/programm/gruppen/<int:gruppe_pk>/loeschen/",
        planung.gruppe_delete,
        name="gruppe-delete",
    ),
]
