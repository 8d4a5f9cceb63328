#!/usr/bin/env bash
# Installs the Docker Compose v2 plugin when `docker compose` is missing: Debian's docker-compose
# package from trixie (bookworm only has the old Python docker-compose 1.x, which cannot read
# docker-compose.yml). The checksum is the one in trixie's package index. `docker compose config`
# (tests/test_compose.py) needs only this binary, no dockerd.
set -euo pipefail

COMPOSE_DEB=pool/main/d/docker-compose/docker-compose_2.26.1-4_amd64.deb
COMPOSE_SHA256=47681197cb2b1ab88206b42a1a92fc75f50d9530a6322d03494a473eed0408ea
PLUGIN=/usr/libexec/docker/cli-plugins/docker-compose

if docker compose version >/dev/null 2>&1 || [ -x "$PLUGIN" ]; then
  exit 0
fi
deb=$(mktemp --suffix=.deb)
trap 'rm -f "$deb"' EXIT
curl -fsSL "http://deb.debian.org/debian/$COMPOSE_DEB" -o "$deb"
echo "$COMPOSE_SHA256  $deb" | sha256sum -c --quiet
dpkg -i "$deb" >/dev/null
echo "Docker Compose: $("$PLUGIN" version)"
