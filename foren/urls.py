from django.urls import path

from . import views

app_name = "foren"

urlpatterns = [
    path("", views.forum_list, name="forum-list"),
    path("<slug:slug>/", views.forum_detail, name="forum-detail"),
]
