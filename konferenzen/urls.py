from django.urls import path

from . import views

app_name = "konferenzen"

urlpatterns = [
    path("anmeldung/<str:token>/", views.anmeldung_manage, name="anmeldung-manage"),
]
