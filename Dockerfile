# icity: one image for web (gunicorn), worker and beat.
# The worker consumes both queues: `celery -A icity worker -Q icity,icity-mail` (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ICITY_VAR_DIR=/var/lib/icity

RUN useradd --system --create-home --home-dir /home/icity icity \
    && mkdir -p /var/lib/icity && chown icity /var/lib/icity

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# Static files and compiled translations are part of the image.
RUN DJANGO_DEBUG=1 python manage.py compile_translations \
    && DJANGO_DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R icity /var/lib/icity

USER icity
EXPOSE 8000
CMD ["gunicorn", "icity.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
