# Netzwerkportal: one image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# System libraries WeasyPrint needs for the PDF reports (Sachstandsberichte).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home app

# The project, listed one by one: without a .dockerignore "COPY . ." would also take .venv,
# node_modules, var/ (SQLite file) and a local .env into the image. Add new top-level folders
# the running portal needs (e.g. locale/) here.
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
    VAR_DIR=/app/var
RUN mkdir -p /app/var/media /app/var/staticfiles && chown -R app:app /app/var

USER app

# DEBUG off refuses to start without SECRET_KEY and ALLOWED_HOSTS: throwaway values for this
# build step only, they do not end up in the image's environment.
RUN SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput

EXPOSE 8000

CMD ["gunicorn", "netzwerk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
