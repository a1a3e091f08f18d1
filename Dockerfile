# Neural Playground: one server process (sessions sharded over worker processes,
# one per core by default), saved runs in a SQLite file on the /data volume, or
# in PostgreSQL with NEURAL_PLAYGROUND_DATABASE_URL (see docs/compose.yaml).
#
#   docker build -t neural-playground .
#   docker run -p 8000:8000 -v playground-runs:/data neural-playground
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /build
COPY pyproject.toml README.md ./
COPY app ./app
COPY templates ./templates
COPY static ./static
RUN pip install . \
    && rm -rf /build \
    && groupadd --gid 10001 playground \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin playground \
    && mkdir /data \
    && chown playground:playground /data

USER 10001:10001
WORKDIR /home/playground

ENV NEURAL_PLAYGROUND_HOST=0.0.0.0 \
    NEURAL_PLAYGROUND_PORT=8000 \
    NEURAL_PLAYGROUND_DB=/data/runs.sqlite3
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/api/health' % os.environ.get('NEURAL_PLAYGROUND_PORT', '8000'), timeout=4)"]

CMD ["neural-playground", "serve"]
