"""Open data in Open Referral's Human Services Data Specification (HSDS) 3.0, read-only."""

from django.urls import path

from . import views

app_name = "hsds"

urlpatterns = [
    path("", views.api_root, name="root"),
    path("profil/", views.profile, name="profil"),
    path("services", views.service_list, name="service-list"),
    path("services/<str:id>", views.service_detail, name="service-detail"),
    path("organizations", views.organization_list, name="organization-list"),
    path("organizations/<str:id>", views.organization_detail, name="organization-detail"),
    path("service_at_locations", views.service_at_location_list, name="service-at-location-list"),
    path(
        "service_at_locations/<str:id>",
        views.service_at_location_detail,
        name="service-at-location-detail",
    ),
    path("taxonomies", views.taxonomy_list, name="taxonomy-list"),
    path("taxonomies/<str:id>", views.taxonomy_detail, name="taxonomy-detail"),
    path("taxonomy_terms", views.taxonomy_term_list, name="taxonomy-term-list"),
    path("taxonomy_terms/<str:id>", views.taxonomy_term_detail, name="taxonomy-term-detail"),
    path("datapackage.zip", views.datapackage, name="datapackage"),
]
