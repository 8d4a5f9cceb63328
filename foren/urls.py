from django.urls import path

from . import views

app_name = "foren"

urlpatterns = [
    path("", views.forum_list, name="forum-list"),
    path("neu/", views.forum_create, name="forum-create"),
    path("uebersicht/", views.forum_overview, name="forum-overview"),
    path("interesse/<int:pk>/erledigt/", views.interesse_handle, name="interesse-handle"),
    path("interesse/bestaetigen/<str:token>/", views.interesse_confirm, name="interesse-confirm"),
    path("<slug:slug>/", views.forum_detail, name="forum-detail"),
    path("<slug:slug>/bearbeiten/", views.forum_edit, name="forum-edit"),
    path("<slug:slug>/interesse/", views.interesse_create, name="interesse-create"),
    path("<slug:slug>/beitreten/", views.beitritt_request, name="beitritt-request"),
    path("<slug:slug>/austreten/", views.forum_leave, name="forum-leave"),
    path("<slug:slug>/wochenuebersicht/", views.digest_toggle, name="digest-toggle"),
    path("<slug:slug>/mitglieder/", views.mitglied_list, name="mitglied-list"),
    path(
        "<slug:slug>/mitglieder/<int:user_pk>/entfernen/",
        views.mitglied_remove,
        name="mitglied-remove",
    ),
    path("<slug:slug>/anfragen/<int:pk>/", views.beitritt_decide, name="beitritt-decide"),
    path("<slug:slug>/sammlung/", views.beitrag_list, name="beitrag-list"),
    path("<slug:slug>/sammlung/neu/", views.beitrag_create, name="beitrag-create"),
    path("<slug:slug>/sammlung/<int:pk>/", views.beitrag_detail, name="beitrag-detail"),
    path("<slug:slug>/sammlung/<int:pk>/bearbeiten/", views.beitrag_edit, name="beitrag-edit"),
    path("<slug:slug>/abstimmungen/neu/", views.abstimmung_create, name="abstimmung-create"),
    path("<slug:slug>/abstimmungen/<int:pk>/", views.abstimmung_detail, name="abstimmung-detail"),
    path(
        "<slug:slug>/abstimmungen/<int:pk>/schliessen/",
        views.abstimmung_close,
        name="abstimmung-close",
    ),
    path(
        "<slug:slug>/abstimmungen/<int:pk>/praesentation/",
        views.abstimmung_present,
        name="abstimmung-present",
    ),
    path("<slug:slug>/dokumente/", views.dokument_list, name="dokument-list"),
    path("<slug:slug>/dokumente/<int:pk>/", views.dokument_download, name="dokument-download"),
    path("<slug:slug>/dokumente/<int:pk>/loeschen/", views.dokument_delete, name="dokument-delete"),
]
