"""The compose files, as `docker compose config` reads them: CI catches a broken file even where
no dockerd runs (scripts/compose_check.sh starts the real thing)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = Path("/usr/libexec/docker/cli-plugins/docker-compose")
APP_SERVICES = {"migrate", "web", "worker", "beat"}


def _compose() -> list[str]:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if PLUGIN.exists():
        return [str(PLUGIN)]
    pytest.skip("Docker Compose fehlt (scripts/compose_plugin.sh installiert es)")


def _config(*files: str, env: dict | None = None) -> subprocess.CompletedProcess:
    args = [arg for name in files for arg in ("-f", name)]
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    environment.update(env or {})
    return subprocess.run(
        [*_compose(), *args, "config", "--format", "json"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _services(*files: str, **env: str) -> dict:
    result = _config(*files, env={"SECRET_KEY": "test", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def test_production_layout():
    services = _services("docker-compose.yml")
    assert set(services) == APP_SERVICES | {"postgres", "redis", "proxy"}
    # Two of each behind the proxy; exactly one beat.
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    # Only the proxy is reachable from outside; the web containers share no host port.
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"proxy"}
    # The migrations run once, before any web or worker container starts.
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["image"] == services["migrate"]["image"]
        assert "build" not in services[name]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    # Files a worker writes are the files web serves.
    for name in ("web", "worker", "migrate"):
        assert any(v["target"] == "/app/var/media" for v in services[name]["volumes"])
    assert services["web"]["healthcheck"]["test"][-1].endswith("/readyz', timeout=5)")
    # pg_dump in the app image is Debian bookworm's 15: the server must not be newer.
    assert services["postgres"]["image"] == "postgres:15"
    assert services["migrate"]["build"]["args"]["BASE_IMAGE"] == "debian:bookworm-slim"


def test_scaling_and_base_image_from_the_environment():
    services = _services(
        "docker-compose.yml", WEB_REPLICAS="4", WORKER_REPLICAS="3", BASE_IMAGE="lokal:bookworm"
    )
    assert services["web"]["deploy"]["replicas"] == 4
    assert services["worker"]["deploy"]["replicas"] == 3
    assert services["migrate"]["build"]["args"]["BASE_IMAGE"] == "lokal:bookworm"
    assert services["proxy"]["build"]["args"]["BASE_IMAGE"] == "lokal:bookworm"


def test_debian_override_builds_postgres_and_redis_from_the_base():
    services = _services(
        "docker-compose.yml", "docker-compose.debian.yml", BASE_IMAGE="lokal:bookworm"
    )
    for name, context in (("postgres", "docker/postgres"), ("redis", "docker/redis")):
        assert services[name]["build"]["context"] == str(ROOT / context)
        assert services[name]["build"]["args"]["BASE_IMAGE"] == "lokal:bookworm"
        assert (ROOT / context / "Dockerfile").exists()
    # The official image's variables and data directory, so a volume can move between both.
    assert services["postgres"]["volumes"][0]["target"] == "/var/lib/postgresql/data"


def test_secret_key_is_required():
    result = _config("docker-compose.yml")
    assert result.returncode != 0
    assert "SECRET_KEY setzen" in result.stderr


def test_dockerfiles_take_the_base_image_argument():
    for dockerfile in ("Dockerfile", "docker/proxy/Dockerfile", "docker/postgres/Dockerfile",
                       "docker/redis/Dockerfile"):  # fmt: skip
        lines = (ROOT / dockerfile).read_text().splitlines()
        code = [line for line in lines if line and not line.startswith("#")]
        assert code[0] == "ARG BASE_IMAGE=debian:bookworm-slim", dockerfile
        assert code[1] == "FROM ${BASE_IMAGE}", dockerfile


def test_image_copies_every_top_level_package():
    """The Dockerfile lists what it copies; a new app folder must not be forgotten."""
    copied = {
        line.split()[-2]
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY --chown=app:app")
    }
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages <= copied
    assert {"templates", "static", "locale", "manage.py"} <= copied
