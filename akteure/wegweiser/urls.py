"""The Familienwegweiser: the public guide for families, from the registry's offers."""

from django.urls import path

from . import views

app_name = "wegweiser"

urlpatterns = [
    path("", views.angebot_list, name="angebot-list"),
    path("<uuid:uuid>/", views.angebot_detail, name="angebot-detail"),
]
