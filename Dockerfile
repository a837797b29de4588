# One image for the four services; docker-compose.yml picks the service with its command, e.g.
#   uvicorn services.intake.entrypoints.app:app --host 0.0.0.0 --port 8000
#
# Supply chain: the base image is pinned by digest (the multi-platform index of python:3.11-slim,
# Python 3.11.15 on Debian trixie, as published on 2026-08-05), so a rebuild starts from the same
# bytes; refresh both FROM lines with the "Digest:" of
#   docker buildx imagetools inspect python:3.11-slim
# Python packages come only from requirements/runtime.txt, every file checked against its hash
# (--require-hashes); pip and setuptools from requirements/build.txt; the project as its own wheel
# without dependencies. No test or development package enters the image (requirements/dev.txt
# stays outside; tests/unit/test_supply_chain.py checks all of this).

FROM python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements/build.txt ./requirements/
# The locked setuptools builds the wheel; build isolation would fetch one unchecked.
RUN pip install --require-hashes -r requirements/build.txt
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services
# A wheel carries the package data (catalogues, templates, schemas) and leaves the sources behind.
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

FROM python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000
# DejaVu Sans carries the Vietnamese letters of the intake receipt (form 01 PDF); the extra
# package has DejaVuSans-Oblique, the italic the forms print (shared/forms/pdf.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-dejavu-extra \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin onestop
COPY requirements/runtime.txt /tmp/runtime.txt
RUN pip install --require-hashes -r /tmp/runtime.txt && rm /tmp/runtime.txt
COPY --from=build /wheels /wheels
RUN pip install --no-deps /wheels/*.whl && rm -rf /wheels && pip check
WORKDIR /srv
USER onestop
EXPOSE 8000
# Liveness only: compose asks /readyz, which also needs Kafka and MongoDB to answer.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "shared.observability.probe", "/healthz"]
CMD ["uvicorn", "services.intake.entrypoints.app:app", "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]
