# The production image. One image, three roles (docker-compose.yml): gunicorn serves the site,
# and the same code runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=salesoffice.settings.production \
    SALESOFFICE_VAR_DIR=/app/var

# WeasyPrint's libraries. libharfbuzz-subset0 keeps subsetting a CJK font at ~0.2 s a page
# (7-9 s without it); without fonts-noto-cjk Chinese prints as empty boxes, silently.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The dependencies alone first, so that this layer is rebuilt only when pyproject.toml changes
# (the project installs no package of its own: it runs from /app).
COPY pyproject.toml ./
RUN pip install .

COPY . .

# collectstatic reads the production settings, which refuse to load without their variables;
# placeholders suffice, nothing is connected to at build time.
RUN DJANGO_SECRET_KEY=collectstatic-only FIELD_ENCRYPTION_KEY=collectstatic-only \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput

# Runs as a user without privileges; it writes only var/ (media, beat's schedule).
RUN useradd --system --create-home --uid 10001 app \
    && mkdir -p /app/var/media \
    && chown app:app /app/var /app/var/media
USER app

EXPOSE 8000
CMD ["gunicorn", "salesoffice.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
