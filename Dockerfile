# syntax=docker/dockerfile:1
# Production image for Kook: one image for every process (web, worker,
# scheduler, migrate); the command picks which, e.g. `docker run IMAGE worker`.
# Build: docker build -t kook .   (see compose.yaml)

# --- front-end packages (bootstrap, htmx, fonts...) from package-lock.json ---
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- Python environment: locked dependencies, the project, static assets ---
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_NO_CACHE=1
RUN pip install "uv==0.13.9"
WORKDIR /app
# Dependencies first, so this layer is reused while only the code changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY src ./src
COPY scripts ./scripts
# Install the project itself (an editable install: the code stays in /app/src).
RUN uv sync --frozen --no-dev
# node_modules comes from the assets stage: install_assets.py skips `npm ci`
# when node_modules/.package-lock.json is not older than package-lock.json
# (touched here so copied timestamps cannot matter) and only copies files into
# src/kook/entrypoints/http/static/vendor/.
COPY package.json package-lock.json ./
COPY --from=assets /app/node_modules ./node_modules
RUN touch node_modules/.package-lock.json \
 && /app/.venv/bin/python scripts/install_assets.py \
 && test -f src/kook/entrypoints/http/static/vendor/htmx.min.js

# --- runtime: the venv and the code only, as a non-root user ---
FROM python:3.11-slim AS runtime
ENV PATH=/app/.venv/bin:$PATH \
    VIRTUAL_ENV=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# pango (with its fontconfig/harfbuzz) for WeasyPrint: invoices and statements are rendered to PDF
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 kook \
 && useradd --system --uid 10001 --gid kook --home-dir /app --no-create-home --shell /usr/sbin/nologin kook \
 && mkdir -p /data && chown kook:kook /data
# /data: KOOK_DATA_DIR in compose.yaml (slips, exports), a volume shared by web and worker; a new named volume
# takes this directory's owner
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY --from=build /app/src /app/src
COPY --from=build /app/pyproject.toml /app/README.md /app/
USER kook:kook
EXPOSE 8000
ENTRYPOINT ["/app/.venv/bin/kook"]
CMD ["web", "--host", "0.0.0.0", "--port", "8000"]
