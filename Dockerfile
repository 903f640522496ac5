FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*
# The processes run as ebok, which owns only var/ (uploads, beat's schedule, gunicorn's control
# socket under its home); the code and the collected static files stay root's, read-only to it.
RUN useradd --system --user-group --no-create-home --home-dir /app/var --shell /usr/sbin/nologin ebok
WORKDIR /app
COPY pyproject.toml ./
RUN pip install .
COPY . .
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --no-input
# var/private exists in the image with its owner, so a named volume mounted there starts
# writable by ebok (Docker copies the owner into an empty volume).
RUN mkdir -p /app/var/private && chown -R ebok:ebok /app/var && chmod 0750 /app/var
USER ebok
EXPOSE 8000
# gunicorn.conf.py: bind, workers, timeouts, the access log on stdout, metrics folder.
CMD ["gunicorn", "ebok.wsgi:application"]
