"""collectstatic without what the front-end packages ship beside the files the pages link."""

from django.contrib.staticfiles.finders import AppDirectoriesFinder

# Source maps of unused files, unminified and ES-module builds, Bootstrap's partial builds,
# htmx's extensions: two thirds of the bytes, each hashed and compressed twice for nothing.
# tests/test_settings.py checks that every file a template links is still collected.
NICHT_SAMMELN = [
    "bootstrap-grid*", "bootstrap-reboot*", "bootstrap-utilities*",
    "bootstrap.css", "bootstrap.css.map", "bootstrap.rtl.css", "bootstrap.rtl.css.map",
    "bootstrap.js", "bootstrap.js.map", "bootstrap.min.js", "bootstrap.min.js.map",
    "bootstrap.bundle.js", "bootstrap.bundle.js.map", "bootstrap.esm*",
    "htmx.js", "htmx.amd.js", "htmx.cjs.js", "htmx.esm.js", "*.d.ts", "htmx/ext/*",
]  # fmt: skip


class PortalAppDirectoriesFinder(AppDirectoriesFinder):
    """Lists (for collectstatic) without NICHT_SAMMELN; finds (for the development server)
    everything, as Django's own."""

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *NICHT_SAMMELN])
