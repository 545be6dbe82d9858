FROM python:3.11-slim

WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 sandbox
USER sandbox

EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD python -c "import os, sys, urllib.request as u; r = u.Request('http://127.0.0.1:8080/_sandbox/health', headers={'X-Sandbox-Token': os.environ.get('SANDBOX_ADMIN_TOKEN', '')}); sys.exit(u.urlopen(r, timeout=2).status != 200)"

CMD ["pos-sandbox", "serve", "--host", "0.0.0.0"]
