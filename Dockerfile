FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango for WeasyPrint's PDF rendering; the PostgreSQL client (15, bookworm's, the db service's
# major version) for deploy/backup.sh and deploy/restore.sh.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install -r requirements.lock

COPY . .
RUN ZLAGODA_ENV=production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build CELERY_TASK_ALWAYS_EAGER=true EMAIL_URL=console:// \
    python manage.py collectstatic --noinput -v0 \
 && useradd --system --uid 1000 --home /app zlagoda \
 && mkdir -p /data/media /data/static /backups && chown zlagoda /data/media /data/static /backups

# The commit the image is built from, for the backups' manifest:
# `docker compose build --build-arg ZLAGODA_VERSION=$(git rev-parse HEAD)`.
ARG ZLAGODA_VERSION=""
USER zlagoda
ENV ZLAGODA_ENV=production MEDIA_ROOT=/data/media ZLAGODA_VERSION=$ZLAGODA_VERSION
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
