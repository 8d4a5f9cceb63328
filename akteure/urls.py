from django.urls import path

from . import views

app_name = "akteure"

urlpatterns = [
    path("freigaben/", views.freigabe_list, name="freigabe-list"),
    path("freigaben/<int:pk>/", views.freigabe_decide, name="freigabe-decide"),
    path("organisationen/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
]
