from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import gremien_views, konten_views, metriken, views
from . import vokabular_views as vokabular
from .berichte import views as berichte
from .konzepte import massnahmen_views as pflege
from .konzepte import views as konzepte
from .konzepte.zeitleiste_views import zeitleiste_view
from .sozialmonitoring import views as sozial

netzwerk_patterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("hilfe/", views.hilfe, name="hilfe"),
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.datenschutz, name="datenschutz"),
    path("barrierefreiheit/", views.barrierefreiheit, name="barrierefreiheit"),
    path("leichte-sprache/", views.leichte_sprache, name="leichte-sprache"),
    path("koordination/rueckmeldungen/", views.rueckmeldung_list, name="rueckmeldung-list"),
    path("koordination/postausgang/", views.mail_list, name="mail-list"),
    path("koordination/postausgang/<int:pk>/erneut/", views.mail_resend_view, name="mail-resend"),
    # Concept documents (netzwerk/konzepte)
    path("sozialmonitoring/", sozial.indikator_list, name="indikator-list"),
    path("sozialmonitoring/neu/", sozial.indikator_create, name="indikator-create"),
    path("sozialmonitoring/<slug:slug>/", sozial.indikator_detail, name="indikator-detail"),
    path("sozialmonitoring/<slug:slug>/bearbeiten/", sozial.indikator_edit, name="indikator-edit"),
    path(
        "sozialmonitoring/<slug:slug>/loeschen/", sozial.indikator_delete, name="indikator-delete"
    ),
    path("sozialmonitoring/<slug:slug>/import/", sozial.indikator_import, name="indikator-import"),
    path(
        "sozialmonitoring/<slug:slug>/import/<int:pk>/",
        sozial.indikator_import_detail,
        name="indikator-import-detail",
    ),
    path("konzepte/", konzepte.konzept_list, name="konzept-list"),
    path("konzepte/zeitleiste/", zeitleiste_view, name="zeitleiste"),
    path("konzepte/<slug:slug>/", konzepte.konzept_detail, name="konzept-detail"),
    path("konzepte/<slug:slug>/status/", konzepte.konzept_status, name="konzept-status"),
    path("konzepte/<slug:slug>/kapitel/", konzepte.kapitel_create, name="kapitel-create"),
    path("konzepte/<slug:slug>/kapitel/<int:pk>/", konzepte.kapitel_edit, name="kapitel-edit"),
    # The outline, the archive and the co-authors (issue 14, part 3).
    path(
        "konzepte/<slug:slug>/gliederung/",
        konzepte.konzept_gliederung,
        name="konzept-gliederung",
    ),
    path(
        "konzepte/<slug:slug>/kapitel/<int:pk>/umbenennen/",
        konzepte.kapitel_rename,
        name="kapitel-rename",
    ),
    path(
        "konzepte/<slug:slug>/kapitel/<int:pk>/verschieben/",
        konzepte.kapitel_move,
        name="kapitel-move",
    ),
    path(
        "konzepte/<slug:slug>/kapitel/<int:pk>/loeschen/",
        konzepte.kapitel_delete,
        name="kapitel-delete",
    ),
    path(
        "konzepte/<slug:slug>/kapitel/<int:pk>/wiederherstellen/",
        konzepte.kapitel_restore,
        name="kapitel-restore",
    ),
    path("konzepte/<slug:slug>/archiv/", konzepte.konzept_archive, name="konzept-archive"),
    path(
        "konzepte/<slug:slug>/mitwirkende/",
        konzepte.konzept_mitwirkende,
        name="konzept-mitwirkende",
    ),
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

netzwerk_patterns += [
    # Vocabularies, maintained by the coordination (netzwerk/vokabular_views.py)
    path("koordination/vokabulare/", vokabular.vokabular_list, name="vokabular-list"),
    path("koordination/vokabulare/<slug:art>/", vokabular.vokabular_detail, name="vokabular"),
    path(
        "koordination/vokabulare/<slug:art>/<int:pk>/",
        vokabular.vokabular_edit,
        name="vokabular-edit",
    ),
    path(
        "koordination/vokabulare/<slug:art>/<int:pk>/verschieben/",
        vokabular.vokabular_move,
        name="vokabular-move",
    ),
    path(
        "koordination/vokabulare/<slug:art>/<int:pk>/aktiv/",
        vokabular.vokabular_toggle,
        name="vokabular-toggle",
    ),
    path(
        "koordination/vokabulare/<slug:art>/<int:pk>/zusammenfuehren/",
        vokabular.vokabular_merge,
        name="vokabular-merge",
    ),
    path(
        "koordination/vokabulare/<slug:art>/<int:pk>/loeschen/",
        vokabular.vokabular_delete,
        name="vokabular-delete",
    ),
]

# Committees and accounts on the portal (netzwerk/gremien_views.py, netzwerk/konten_views.py).
netzwerk_patterns += [
    path("koordination/gremien/", gremien_views.gremium_list, name="gremium-list"),
    path("koordination/gremien/neu/", gremien_views.gremium_create, name="gremium-create"),
    path("koordination/gremien/<slug:slug>/", gremien_views.gremium_detail, name="gremium-detail"),
    path(
        "koordination/gremien/<slug:slug>/bearbeiten/",
        gremien_views.gremium_edit,
        name="gremium-edit",
    ),
    path(
        "koordination/gremien/<slug:slug>/mitglieder/",
        gremien_views.gremium_mitglied_add,
        name="gremium-mitglied-add",
    ),
    path(
        "koordination/gremien/<slug:slug>/mitglieder/<int:user_pk>/entfernen/",
        gremien_views.gremium_mitglied_remove,
        name="gremium-mitglied-remove",
    ),
    path(
        "koordination/gremien/<slug:slug>/einladen/",
        gremien_views.gremium_einladen,
        name="gremium-einladen",
    ),
    path(
        "koordination/gremien/<slug:slug>/einladungen/<int:pk>/zurueckziehen/",
        gremien_views.gremium_einladung_withdraw,
        name="gremium-einladung-withdraw",
    ),
    # The invited person's page: anyone with the link.
    path(
        "gremien/einladung/<str:token>/", gremien_views.gremium_einladung, name="gremium-einladung"
    ),
    path("koordination/konten/", konten_views.konto_list, name="konto-list"),
    path("koordination/konten/<int:pk>/", konten_views.konto_detail, name="konto-detail"),
    path("koordination/konten/<int:pk>/rollen/", konten_views.konto_rollen, name="konto-rollen"),
    path(
        "koordination/konten/<int:pk>/deaktivieren/",
        konten_views.konto_deactivate,
        name="konto-deactivate",
    ),
    path(
        "koordination/konten/<int:pk>/reaktivieren/",
        konten_views.konto_reactivate,
        name="konto-reactivate",
    ),
    path(
        "koordination/konten/<int:pk>/zweiter-faktor/",
        konten_views.konto_mfa_reset,
        name="konto-mfa-reset",
    ),
    path(
        "koordination/konten/<int:pk>/bestaetigung/",
        konten_views.konto_verification_send,
        name="konto-verification-send",
    ),
]

admin.site.site_header = f"{settings.PORTAL_NAME}: Verwaltung"
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = "Verwaltung"
# The back office logs in through allauth, so rate limits and TOTP apply there too.
admin.site.login = secure_admin_login(admin.site.login)
# The back office is the operator's (superusers, whom the TOTP middleware guards); everyday work,
# coordinators' included, happens on the portal's pages.
admin.site.has_permission = lambda request: bool(
    request.user.is_active and request.user.is_superuser
)

urlpatterns = [
    path("", include((netzwerk_patterns, "netzwerk"))),
    path("akteure/", include("akteure.urls")),
    path("wegweiser/", include("akteure.wegweiser.urls")),
    path("api/hsds/", include("akteure.hsds.urls")),
    path("foren/", include("foren.urls")),
    path("konferenzen/", include("konferenzen.urls")),
    path("konto/", include("allauth.urls")),
    # The language switch in the header posts here (cookie, session and the account).
    path("i18n/setlang/", views.sprache_setzen, name="set_language"),
    path("verwaltung/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metriken.metrics, name="metrics"),
]
# An outage of PostgreSQL or Redis met outside a view still gets the German 503 page.
handler500 = "netzwerk.middleware.server_error"
