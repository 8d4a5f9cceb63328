#!/usr/bin/env bash
# The production setup, end to end, on this machine: build the images, start PostgreSQL, Redis,
# two web containers behind the TLS proxy, two Celery workers and beat; migrate once, load the
# demo, then log in, register, fetch a Sachstandsbericht PDF and send invitations through the
# proxy; tear everything down. Prints each step with its time; exits non-zero at the first
# failure.
#
#   scripts/compose_check.sh             # local Debian base image (no image registry needed)
#   REGISTRY=1 scripts/compose_check.sh  # debian:bookworm-slim, postgres:15, redis:7 from the
#                                        # public registry
#   KEEP=1 scripts/compose_check.sh      # leave it running afterwards (https://localhost:18443)
#
# Without a registry it needs Debian's docker.io and debootstrap and a running dockerd (started
# here when it is not); scripts/compose_plugin.sh adds the compose plugin.
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT=netzwerkportal-check
WORK=var/compose-check
export HTTP_PORT="${HTTP_PORT:-18080}" HTTPS_PORT="${HTTPS_PORT:-18443}"
export SECRET_KEY="compose-check-$(date +%s)-$RANDOM"
export POSTGRES_PASSWORD="check-$RANDOM$RANDOM"
export ALLOWED_HOSTS="localhost,127.0.0.1"
export SITE_URL="https://localhost:$HTTPS_PORT"
export TLS_DIR="$PWD/$WORK/tls"
export EMAIL_URL="smtp://smtp:1025"
export DEFAULT_FROM_EMAIL="Netzwerkportal <noreply@localhost>"

files=(-f docker-compose.yml)
if [ -n "${REGISTRY:-}" ]; then
  export BASE_IMAGE="${BASE_IMAGE:-debian:bookworm-slim}"
else
  export BASE_IMAGE="${BASE_IMAGE:-netzwerkportal/debian:bookworm}"
  files+=(-f docker-compose.debian.yml)
fi
files+=(-f docker/compose.check.yml)
compose() { docker compose -p "$PROJECT" "${files[@]}" "$@"; }

total_start=$(date +%s.%N)
step() {
  local name=$1 start status
  shift
  start=$(date +%s.%N)
  if "$@" >"$WORK/step.log" 2>&1; then status=OK; else status=FEHLER; fi
  printf '%-6s %s (%.1f s)\n' "$status" "$name" "$(echo "$(date +%s.%N) - $start" | bc)"
  if [ "$status" != OK ]; then
    tail -n 40 "$WORK/step.log" | sed 's/^/       | /'
    exit 1
  fi
}

# --- What the machine needs ---------------------------------------------------------------
ensure_docker() {
  if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap bc openssl
  fi
  scripts/compose_plugin.sh
  if ! docker info >/dev/null 2>&1; then
    nohup dockerd >/var/log/dockerd.log 2>&1 &
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  fi
  docker info >/dev/null
  docker compose version
}

# A Debian bookworm base from Debian's mirror. It carries this machine's CA bundle for pip, so
# a TLS-intercepting proxy in front of PyPI is trusted inside the build as on the host.
ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    echo "vorhanden: $BASE_IMAGE"
    return
  fi
  if [ -n "${REGISTRY:-}" ]; then
    docker pull "$BASE_IMAGE"
    return
  fi
  local root="$WORK/bookworm-root"
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
  mkdir -p "$root/etc/ssl"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/host-ca.crt"
  tar -C "$root" -c . | docker import --change 'ENV PIP_CERT=/etc/ssl/host-ca.crt' - "$BASE_IMAGE"
  rm -rf "$root"
}

# A self-signed certificate for localhost: TLS ends at the proxy as it would in a town.
make_certificate() {
  mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$TLS_DIR/privkey.pem" -out "$TLS_DIR/fullchain.pem"
  chmod 0644 "$TLS_DIR/privkey.pem"  # read by nginx's worker user inside the container
}

teardown() { compose down -v --remove-orphans --timeout 10; }

mkdir -p "$WORK"
trap '[ -n "${KEEP:-}" ] || teardown >/dev/null 2>&1 || true' EXIT

step "Docker bereit" ensure_docker
step "Basisimage $BASE_IMAGE" ensure_base_image
step "TLS-Zertifikat für localhost" make_certificate
step "Aufräumen eines früheren Laufs" teardown
step "Images gebaut" compose build
step "PostgreSQL und Redis gesund" compose up -d --wait postgres redis
step "Migrationen (einmal)" compose run --rm migrate
step "Demo-Daten geladen" compose run --rm -e DEBUG=true migrate python manage.py demo_data
step "2 Web, 2 Worker, Beat, Proxy gesund" compose up -d --wait --no-deps --scale web=2 --scale worker=2 web worker beat proxy smtp
step "Readiness über den Proxy" curl -fsS --cacert "$TLS_DIR/fullchain.pem" \
  "https://localhost:$HTTPS_PORT/readyz"
step "HTTP leitet auf HTTPS um" sh -c \
  "curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' http://localhost:$HTTP_PORT/ | grep -q '^301 https://'"

count_mails="docker compose -p $PROJECT ${files[*]} logs --no-log-prefix smtp | grep -c 'To: gast-' || true"
python3 scripts/compose_ablauf.py "https://localhost:$HTTPS_PORT" \
  --cafile "$TLS_DIR/fullchain.pem" --einladungen 50 --smtp-zaehlen "$count_mails"

# A backup from inside the image: its pg_dump must match the server's version.
rm -rf "$WORK/sicherung"
step "Sicherung aus dem Container" compose run --rm --no-deps --user root \
  -v "$PWD/$WORK/sicherung:/sicherungen" migrate python manage.py sicherung_erstellen /sicherungen/probe
grep -m1 "^Sicherung" "$WORK/step.log" | sed 's/^/INFO   /' || true

# Both web containers answered, and both workers worked.
for service in web worker; do
  compose ps --format '{{.Name}}' "$service" | while read -r name; do
    case $service in
      web) n=$(docker logs "$name" 2>&1 | grep -c '"[A-Z]* /' || true); what="Anfragen" ;;
      worker) n=$(docker logs "$name" 2>&1 | grep -c 'succeeded in' || true); what="Aufgaben" ;;
    esac
    printf 'INFO   %s: %s %s\n' "$name" "$n" "$what"
  done
done

if [ -z "${KEEP:-}" ]; then
  step "Abgebaut" teardown
fi
printf 'Gesamt: %.0f s\n' "$(echo "$(date +%s.%N) - $total_start" | bc)"
