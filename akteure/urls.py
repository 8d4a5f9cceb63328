from django.urls import path

from . import bedarf_views, geo_views, heft_views, views

app_name = "akteure"

urlpatterns = [
    path("freigaben/", views.freigabe_list, name="freigabe-list"),
    path("freigaben/<int:pk>/", views.freigabe_decide, name="freigabe-decide"),
    path("organisationen/", views.organisation_list, name="organisation-list"),
    path("organisationen/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("organisationen/<slug:slug>/logo/", views.organisation_logo, name="organisation-logo"),
    path(
        "organisationen/<slug:slug>/bearbeiten/", views.organisation_edit, name="organisation-edit"
    ),
    path("organisationen/<slug:slug>/neues-angebot/", views.angebot_create, name="angebot-create"),
    path("organisationen/<slug:slug>/einladung/", views.einladung_create, name="einladung-create"),
    path("einladung/<str:token>/", views.einladung, name="einladung"),
    path("angebote/", views.angebot_list, name="angebot-list"),
    path("angebote/<slug:slug>/", views.angebot_detail, name="angebot-detail"),
    path("angebote/<slug:slug>/bearbeiten/", views.angebot_edit, name="angebot-edit"),
    path("angebote/<slug:slug>/bestaetigen/", views.angebot_confirm, name="angebot-confirm"),
    path("importe/", views.import_list, name="import-list"),
    path("importe/<int:pk>/", views.import_detail, name="import-detail"),
    path("importe/<int:pk>/fortschritt/", views.import_progress, name="import-progress"),
    path("personen/pruefen/", views.person_review, name="person-review"),
    path("personen/<int:pk>/", views.person_detail, name="person-detail"),
    path("personen/<int:pk>/auskunft.json", views.person_export, name="person-export"),
    path("personen/<int:pk>/auskunft/", views.person_auskunft, name="person-auskunft"),
    path("personen/<int:pk>/loeschen/", views.person_erase, name="person-erase"),
    path("meine-daten/", views.meine_daten, name="meine-daten"),
    path("meine-daten/auskunft.json", views.meine_daten_export, name="meine-daten-export"),
    path("loeschantraege/", views.antrag_list, name="antrag-list"),
    path("loeschantraege/<int:pk>/", views.antrag_detail, name="antrag-detail"),
    path(
        "einwilligungen/<int:pk>/widerrufen/",
        views.einwilligung_withdraw,
        name="einwilligung-withdraw",
    ),
    path("praeventionskette/", views.praeventionskette, name="praeventionskette"),
    path("praeventionskette.svg", views.praeventionskette_svg, name="praeventionskette-svg"),
    # The printed family guide (issue 16, part D).
    path("wegweiser-hefte/", heft_views.heft_list, name="heft-list"),
    path("wegweiser-hefte/<int:pk>/", heft_views.heft_detail, name="heft-detail"),
    path("wegweiser-hefte/<int:pk>/heft.pdf", heft_views.heft_download, name="heft-download"),
    path("wegweiser-hefte/<int:pk>/nochmal/", heft_views.heft_retry, name="heft-retry"),
    path("wegweiser-hefte/<int:pk>/loeschen/", heft_views.heft_delete, name="heft-delete"),
    # District maps (issue 16, part C)
    path("sozialraeume/grenzen/", geo_views.grenzen_import, name="grenzen-import"),
    path("sozialraeume/karte/", geo_views.sozialraum_karte, name="sozialraum-karte"),
    # Need beside offers per Sozialraum (issue 19, part 2).
    path("bedarf/", bedarf_views.bedarf_view, name="bedarf"),
]
