from django.urls import path

from . import views

app_name = "konferenzen"

urlpatterns = [
    path("", views.veranstaltung_list, name="veranstaltung-list"),
    path("kalender.ics", views.kalender_public, name="kalender-public"),
    path("kalender/", views.kalender_abo, name="kalender-abo"),
    path("kalender/<str:token>.ics", views.kalender_personal, name="kalender-personal"),
    path("<int:pk>/", views.veranstaltung_detail, name="veranstaltung-detail"),
    path("<int:pk>/kalender.ics", views.veranstaltung_ics, name="veranstaltung-ics"),
    path("anmeldung/<str:token>/", views.anmeldung_manage, name="anmeldung-manage"),
]
