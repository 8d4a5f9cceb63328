# Netzwerkportal: one image for web (gunicorn), Celery worker, Celery beat and the one-shot
# migration. Debian bookworm with Debian's python3, so the same file builds from the public
# registry's debian:bookworm-slim or, where no registry is reachable, from a local base image:
#   debootstrap --variant=minbase bookworm DIR && tar -C DIR -c . | docker import - NAME
#   docker build --build-arg BASE_IMAGE=NAME .
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANG=C.UTF-8 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Debian's Python; the libraries WeasyPrint needs for the PDF reports; pg_dump/pg_restore 15 for
# the backup command (the same major version as the postgres service).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        python3 \
        python3-venv \
        ca-certificates \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        postgresql-client-15 \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/venv

WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home app

# The project, listed one by one: without a .dockerignore "COPY . ." would also take .venv,
# node_modules, var/ (SQLite file) and a local .env into the image. Add new top-level folders
# the running portal needs here.
COPY --chown=app:app manage.py ./
COPY --chown=app:app netzwerk ./netzwerk
COPY --chown=app:app akteure ./akteure
COPY --chown=app:app foren ./foren
COPY --chown=app:app konferenzen ./konferenzen
COPY --chown=app:app templates ./templates
COPY --chown=app:app static ./static
COPY --chown=app:app locale ./locale

# var/ holds static files, the beat schedule and (as a volume) the uploads; it must exist and
# belong to the app user before a named volume is mounted at var/media.
ENV DEBUG=false \
    VAR_DIR=/app/var \
    WEB_CONCURRENCY=3
RUN mkdir -p /app/var/media /app/var/staticfiles && chown -R app:app /app/var

USER app

# DEBUG off refuses to start without SECRET_KEY and ALLOWED_HOSTS: throwaway values for this
# build step only, they do not end up in the image's environment.
RUN SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput

EXPOSE 8000

# gunicorn takes its number of workers from WEB_CONCURRENCY.
CMD ["gunicorn", "netzwerk.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
