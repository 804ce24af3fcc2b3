# abmgraph GraphQL API in production mode (docs/security.md). Defaults to the Neo4j store: set
# NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD at run time (see docker-compose.yml and
# docs/neo4j.md), and give it credentials: API keys in the data volume (abmgraph keys
# create) or ABMGRAPH_JWT_SECRET; the service refuses to start without. ABMGRAPH_ALLOWED_HOSTS (default localhost,127.0.0.1) lists the Host names it
# answers, ABMGRAPH_CORS_ORIGINS the browser origins that may call it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 abmgraph \
 && useradd --system --uid 10001 --gid abmgraph --create-home --home-dir /home/abmgraph \
        --shell /usr/sbin/nologin abmgraph \
 && mkdir -p /var/lib/abmgraph \
 && chown abmgraph:abmgraph /var/lib/abmgraph

# A Japanese font, so that the charts (viz/charts.py) render names such as 株式会社さくら製作所:
# fonts-noto-cjk provides "Noto Sans CJK JP", the first of viz.charts.JAPANESE_FONTS and of the
# org map's FONT_STACK (tests/test_dockerfile_fonts.py holds the three together).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /build
# Only what the wheel needs (pyproject.toml lists the packages; schema/ is force-included).
COPY pyproject.toml README.md ./
COPY schema ./schema
COPY graph_service ./graph_service
COPY loaders ./loaders
COPY viz ./viz
RUN pip install --no-cache-dir . \
 && cd / && rm -rf /build

# Production mode, store selection and the data directory (reject reports go to
# <data dir>/reports).
ENV ABMGRAPH_ENV=production \
    ABMGRAPH_STORE=neo4j \
    ABMGRAPH_DATA_DIR=/var/lib/abmgraph

USER abmgraph
WORKDIR /home/abmgraph

# Build matplotlib's font cache for this user now, and fail the build if the charts would not
# find the Japanese font.
RUN python -c "from viz.charts import JAPANESE_FONTS, japanese_font; \
assert japanese_font() == JAPANESE_FONTS[0], japanese_font()"

EXPOSE 8000

# /readyz answers 200 when the store answers and 503 otherwise; urlopen raises on 503.
# (/healthz is liveness only: 200 while the process answers.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]

CMD ["abmgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
