from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views
from .berichte import views as berichte
from .konzepte import massnahmen_views as pflege
from .konzepte import views as konzepte
from .konzepte.zeitleiste_views import zeitleiste_view
from .rules import is_koordination

netzwerk_patterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.datenschutz, name="datenschutz"),
    path("barrierefreiheit/", views.barrierefreiheit, name="barrierefreiheit"),
    path("leichte-sprache/", views.leichte_sprache, name="leichte-sprache"),
    path("koordination/rueckmeldungen/", views.rueckmeldung_list, name="rueckmeldung-list"),
    path("koordination/postausgang/", views.mail_list, name="mail-list"),
    path("koordination/postausgang/<int:pk>/erneut/", views.mail_resend_view, name="mail-resend"),
    # Concept documents (netzwerk/konzepte)
    path("konzepte/", konzepte.konzept_list, name="konzept-list"),
    path("konzepte/zeitleiste/", zeitleiste_view, name="zeitleiste"),
    path("konzepte/<slug:slug>/", konzepte.konzept_detail, name="konzept-detail"),
    path("konzepte/<slug:slug>/status/", konzepte.konzept_status, name="konzept-status"),
    path("konzepte/<slug:slug>/kapitel/", konzepte.kapitel_create, name="kapitel-create"),
    path("konzepte/<slug:slug>/kapitel/<int:pk>/", konzepte.kapitel_edit, name="kapitel-edit"),
    path(
        "konzepte/<slug:slug>/kapitel/<int:pk>/versionen/",
        konzepte.kapitel_versionen,
        name="kapitel-versionen",
    ),
    path(
        "konzepte/<slug:slug>/kapitel/<int:pk>/kommentar/",
        konzepte.kommentar_create,
        name="kommentar-create",
    ),
    path("konzepte/<slug:slug>/massnahmen/", konzepte.massnahmen, name="massnahme-list"),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/",
        konzepte.massnahme_detail,
        name="massnahme-detail",
    ),
    # The coordination maintains the measures' tree (netzwerk/konzepte/massnahmen_views.py).
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/bearbeiten/",
        pflege.massnahme_edit,
        name="massnahme-edit",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/loeschen/",
        pflege.massnahme_delete,
        name="massnahme-delete",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/schwerpunkte/neu/",
        pflege.schwerpunkt_create,
        name="schwerpunkt-create",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/schwerpunkte/<int:pk>/bearbeiten/",
        pflege.schwerpunkt_edit,
        name="schwerpunkt-edit",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/schwerpunkte/<int:pk>/loeschen/",
        pflege.schwerpunkt_delete,
        name="schwerpunkt-delete",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/schwerpunkte/<int:pk>/neues-ziel/",
        pflege.ziel_create,
        name="ziel-create",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/ziele/<int:pk>/bearbeiten/",
        pflege.ziel_edit,
        name="ziel-edit",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/ziele/<int:pk>/loeschen/",
        pflege.ziel_delete,
        name="ziel-delete",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/ziele/<int:pk>/neue-massnahme/",
        pflege.massnahme_create,
        name="massnahme-create",
    ),
    path(
        "konzepte/<slug:slug>/kommentare/<int:pk>/antwort/",
        konzepte.kommentar_answer,
        name="kommentar-answer",
    ),
]

netzwerk_patterns += [
    # Status reports (netzwerk/berichte)
    path("berichte/", berichte.bericht_list, name="bericht-list"),
    path("berichte/<int:nummer>/", berichte.bericht_detail, name="bericht-detail"),
    path("berichte/<int:nummer>/pdf/", berichte.bericht_download, name="bericht-download"),
    path("berichte/<int:nummer>/erneut/", berichte.bericht_retry, name="bericht-retry"),
    path("berichte/<int:nummer>/oeffentlich/", berichte.bericht_publish, name="bericht-publish"),
    path("berichte/oeffentlich/<str:token>/", berichte.bericht_public, name="bericht-public"),
]

admin.site.site_header = f"{settings.PORTAL_NAME}: Verwaltung"
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = "Verwaltung"
# The back office logs in through allauth, so rate limits and TOTP apply there too.
admin.site.login = secure_admin_login(admin.site.login)
# Staff alone is not enough: only approved coordinators (whom the TOTP middleware guards) enter.
admin.site.has_permission = lambda request: bool(
    request.user.is_active and request.user.is_staff and is_koordination(request.user)
)

urlpatterns = [
    path("", include((netzwerk_patterns, "netzwerk"))),
    path("akteure/", include("akteure.urls")),
    path("foren/", include("foren.urls")),
    path("konferenzen/", include("konferenzen.urls")),
    path("konto/", include("allauth.urls")),
    path("verwaltung/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
