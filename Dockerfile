# syntax=docker/dockerfile:1
# One image for the four services; docker-compose.yml picks the service with its command, e.g.
#   uvicorn services.intake.entrypoints.app:app --host 0.0.0.0 --port 8000

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services
# A wheel carries the package data (catalogues, templates, schemas) and leaves the sources behind.
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000
# DejaVu Sans carries the Vietnamese letters of the intake receipt (form 01 PDF).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin onestop
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
WORKDIR /srv
USER onestop
EXPOSE 8000
# Liveness only: compose asks /readyz, which also needs Kafka and MongoDB to answer.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "shared.observability.probe", "/healthz"]
CMD ["uvicorn", "services.intake.entrypoints.app:app", "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]
