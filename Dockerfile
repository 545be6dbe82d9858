# syntax=docker/dockerfile:1
# Layers, smallest change last: base image; third-party dependencies (rebuilt only when setup.cfg changes); the
# package (a wheel built in a throw-away stage, so no source or build tools stay in the image).
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SANDBOX_HOST=0.0.0.0 SANDBOX_PORT=8080
COPY setup.cfg .ci/dependencies.py /tmp/deps/
RUN python /tmp/deps/dependencies.py /tmp/deps/setup.cfg > /tmp/deps/requirements.txt \
    && pip install -r /tmp/deps/requirements.txt \
    && rm -rf /tmp/deps \
    && useradd --create-home --uid 10001 sandbox \
    && install -d -o sandbox /state           # the state dir of a sharded deployment (deploy/), owned by the user
RUN --mount=type=bind,from=wheel,source=/wheels,target=/wheels pip install --no-deps /wheels/*.whl
USER sandbox
WORKDIR /home/sandbox
# Parse the specs once, into the user's cache (~/.cache/pos-sandbox, keyed by their content): every start skips it.
RUN python -m sandbox seed --history-days 0 > /dev/null

EXPOSE 8080
# The port comes from SANDBOX_PORT (change it with `-e SANDBOX_PORT=...`, not a flag), so the check follows it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["python", "-m", "sandbox", "health"]
CMD ["python", "-m", "sandbox", "serve"]
