# helpline — one image for the web and worker roles.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HELPLINE_DATA_DIR=/data NLU_MODEL_DIR=/app/models/nlu HELPLINE_HOST=0.0.0.0
WORKDIR /app

COPY pyproject.toml README.md ./
COPY nlu ./nlu
COPY bot ./bot
COPY flows ./flows
COPY locales ./locales
RUN pip install --no-cache-dir . \
    && pybabel compile --domain bot --directory locales \
    && python -m nlu train --out /app/models/nlu \
    && useradd --system --home /data helpline && mkdir -p /data && chown helpline /data

USER helpline
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["helpline", "serve", "--role", "web"]
