# syntax=docker/dockerfile:1
# briefbot: a small image with the bot in a virtual environment, run as a non-root user.
#   docker build -t briefbot .
#   docker run -d --name briefbot -v briefbot-data:/data --env-file .env -p 3000:3000 briefbot

# -- build stage: a wheel of the project, installed with its dependencies into /opt/venv ------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip wheel --no-deps --wheel-dir /src/dist . \
    && /opt/venv/bin/pip install /src/dist/briefbot-*.whl

# -- final stage: the runtime, the venv and the prompt templates (no compilers, no pip cache) -----
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    STORE_PATH=/data/briefbot.sqlite3 \
    BRIEFBOT_PROMPTS_DIR=/app/prompts \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=3000 \
    LOG_FORMAT=json
RUN groupadd --system --gid 10001 briefbot \
    && useradd --system --uid 10001 --gid briefbot --home-dir /app --no-create-home briefbot \
    && mkdir -p /data /app/config \
    && chown briefbot:briefbot /data
COPY --from=build /opt/venv /opt/venv
COPY config/settings.example.toml /app/config/settings.example.toml
COPY prompts /app/prompts
WORKDIR /app
USER 10001:10001
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]
CMD ["briefbot", "run"]
