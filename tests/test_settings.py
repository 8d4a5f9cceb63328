"""The one settings module, run as separate processes with the environment an operator sets."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "ein-langes-zufaelliges-geheimnis-" + "x" * 40,
    "ALLOWED_HOSTS": "netzwerk.example",
    "DJANGO_SETTINGS_MODULE": "netzwerk.settings",
}


# What an operator would not have set: the services of this run and the browser tests' switch.
NOT_INHERITED = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _clean_env(**extra: str) -> dict:
    return {k: v for k, v in os.environ.items() if k not in NOT_INHERITED} | extra


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        # Deprecation warnings shown, as a newer Django would raise them.
        [sys.executable, "-W", "always::DeprecationWarning", "manage.py", *args],
        cwd=ROOT,
        env=_clean_env(**{"DJANGO_SETTINGS_MODULE": "netzwerk.settings", **env}),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {**PRODUCTION, "VAR_DIR": str(tmp_path)}
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_the_deploy_check_reports_nothing_with_production_settings(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    # Nor does Django warn of what changes in its next version (URLField's scheme and the like).
    assert "Warning" not in result.stderr, result.stderr


def _settings(tmp_path, *names: str, **env: str) -> list[str]:
    """The named settings as the portal sees them with only this environment."""
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        f"print(*[eval('s.' + n) for n in {list(names)!r}])"
    )
    env = _clean_env(DJANGO_SETTINGS_MODULE="netzwerk.settings", VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()


def test_nothing_set_but_debug_means_sqlite_under_var_and_tasks_in_process(tmp_path):
    # What the start command sets (DEBUG=true) and nothing else.
    assert _settings(
        tmp_path,
        "DATABASES['default']['ENGINE']",
        "DATABASES['default']['NAME']",
        "CELERY_TASK_ALWAYS_EAGER",
        "EMAIL_BACKEND",
        DEBUG="true",
    ) == [
        "django.db.backends.sqlite3",
        str(tmp_path / "netzwerk.sqlite3"),
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_urls_in_the_environment_switch_to_postgres_redis_and_smtp(tmp_path):
    assert _settings(
        tmp_path,
        "DATABASES['default']['ENGINE']",
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        DATABASE_URL="postgres://u@db.example:5432/n",
        REDIS_URL="redis://cache.example:6379/0",
        EMAIL_URL="smtp://mail.example:25",
        DEBUG="true",
    ) == [
        "django.db.backends.postgresql",
        "redis://cache.example:6379/0",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example",
    ]


def test_the_start_command_creates_a_missing_postgres_database(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("DATABASE_URL zeigt nicht auf PostgreSQL.")
    import psycopg

    name = "netzwerk_neu_angelegt"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
    try:
        result = _manage(
            "ensure_database",
            env={"DATABASE_URL": f"{base}/{name}", "VAR_DIR": str(tmp_path), "DEBUG": "true"},
        )
        assert result.returncode == 0, result.stderr
        with psycopg.connect(f"{base}/postgres") as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
        assert exists
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")


def test_without_debug_in_the_environment_the_settings_are_production(tmp_path):
    """DEBUG unset: debug off, cookies Secure, HSTS, and the portal's own German 404 page."""
    env = {k: v for k, v in PRODUCTION.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    assert _settings(
        tmp_path,
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        **env,
    ) == ["False", "True", "True", "31536000"]
    # Production serves hashed static files (whitenoise's manifest): collected first, as the
    # Dockerfile does.
    collected = _manage(
        "collectstatic", "--noinput", "-v", "0", env={**env, "VAR_DIR": str(tmp_path)}
    )
    assert collected.returncode == 0, collected.stderr
    # Every file a template links was collected (netzwerk.static_finder leaves some out): the
    # manifest storage answers a missing one with an error page.
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())["paths"]
    linked = {
        m
        for t in (ROOT / "templates").rglob("*.html")
        for m in re.findall(r"\{% static '([^']+)' %\}", t.read_text())
    }
    assert len(linked) >= 8 and linked - manifest.keys() == set()
    assert "js-lib-bootstrap5/js/bootstrap.esm.js" not in manifest  # left out
    code = (
        "import django; django.setup(); from django.test import Client;"
        "r = Client().get('/gibt-es-nicht/', secure=True, headers={'host': 'netzwerk.example'});"
        "print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_clean_env(DJANGO_SETTINGS_MODULE="netzwerk.settings", VAR_DIR=str(tmp_path), **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    status, page = result.stdout.split("\n", 1)
    assert status == "404", result.stderr
    assert 'lang="de"' in page and "Seite nicht gefunden" in page
    assert "URLconf" not in page and "Using the URLconf" not in page  # no technical 404


def test_nothing_set_at_all_refuses_with_a_german_hint(tmp_path):
    result = _manage(
        "check", env={"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "netzwerk.settings"}
    )
    assert result.returncode != 0
    assert "DEBUG=true" in result.stderr and "scripts/portal.py start" in result.stderr
