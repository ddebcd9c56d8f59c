-- The warehouse as DESIGN.md sketches it. Timestamps are UTC (TIMESTAMPTZ).

CREATE TABLE sources (
    source_id            VARCHAR PRIMARY KEY,  -- slug of the name, stable across runs
    name                 VARCHAR NOT NULL,
    url                  VARCHAR NOT NULL,     -- http(s) URL or local file path
    language             VARCHAR,
    tags                 VARCHAR[],
    etag                 VARCHAR,
    last_modified        VARCHAR,
    last_fetched_at      TIMESTAMPTZ,
    last_status          VARCHAR,
    last_error           VARCHAR,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_fetch_at        TIMESTAMPTZ,          -- backoff and Cache-Control max-age
    updated_at           TIMESTAMPTZ
);

CREATE SEQUENCE fetch_id_seq;
CREATE TABLE fetches (
    fetch_id     BIGINT PRIMARY KEY DEFAULT nextval('fetch_id_seq'),
    run_id       VARCHAR,
    source_id    VARCHAR NOT NULL,
    url          VARCHAR,
    started_at   TIMESTAMPTZ NOT NULL,
    duration_ms  DOUBLE,
    status       VARCHAR NOT NULL,  -- ok | not_modified | empty | failed | skipped
    http_status  INTEGER,
    bytes        BIGINT,
    entries      INTEGER,
    new_items    INTEGER,
    error        VARCHAR
);

CREATE TABLE items (
    item_id            VARCHAR PRIMARY KEY,   -- from canonical URL, else guid, else content hash
    url                VARCHAR,               -- canonical
    guid               VARCHAR,
    title              VARCHAR NOT NULL,
    summary            VARCHAR,
    language           VARCHAR,
    source_id          VARCHAR NOT NULL,
    source_name        VARCHAR,
    published_at       TIMESTAMPTZ NOT NULL,
    published_inferred BOOLEAN NOT NULL DEFAULT FALSE,  -- no date in the feed: fetch time
    fetched_at         TIMESTAMPTZ NOT NULL,
    content_hash       VARCHAR NOT NULL,
    cluster_id         VARCHAR NOT NULL       -- story cluster; the item's own id when alone
);

CREATE TABLE trends (
    trend_id         VARCHAR NOT NULL,
    taxonomy_version VARCHAR NOT NULL,
    family           VARCHAR NOT NULL,  -- rising | declining | watch
    name             VARCHAR NOT NULL,
    statement        VARCHAR NOT NULL,
    description      VARCHAR,
    position         INTEGER NOT NULL,
    PRIMARY KEY (trend_id, taxonomy_version)
);

-- One row per item and classifier/taxonomy version: relevance and every trend's score.
CREATE TABLE classifications (
    item_id            VARCHAR NOT NULL,
    classifier_version VARCHAR NOT NULL,
    taxonomy_version   VARCHAR NOT NULL,
    relevant           BOOLEAN NOT NULL,
    relevance          DOUBLE NOT NULL,
    scores             MAP(VARCHAR, DOUBLE),
    embedding          FLOAT[],
    classified_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, classifier_version, taxonomy_version)
);

-- The trends an item supports (score at or above the trend's threshold), with evidence.
CREATE TABLE labels (
    item_id            VARCHAR NOT NULL,
    trend_id           VARCHAR NOT NULL,
    score              DOUBLE NOT NULL,
    evidence           VARCHAR,
    classifier_version VARCHAR NOT NULL,
    taxonomy_version   VARCHAR NOT NULL,
    labelled_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, trend_id, classifier_version, taxonomy_version)
);

-- Analyst judgements; they become training examples at the next `spacebrief train`.
CREATE TABLE feedback (
    item_id     VARCHAR NOT NULL,
    trend_id    VARCHAR NOT NULL,
    verdict     BOOLEAN NOT NULL,
    analyst     VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, trend_id)
);

-- The Slack delivery ledger: one row per (story cluster, trend, destination).
CREATE TABLE alerts (
    alert_id      VARCHAR PRIMARY KEY,
    cluster_id    VARCHAR NOT NULL,
    trend_id      VARCHAR NOT NULL,
    destination   VARCHAR NOT NULL,   -- slack:<channel> | webhook | outbox
    item_id       VARCHAR NOT NULL,
    score         DOUBLE NOT NULL,
    status        VARCHAR NOT NULL,   -- pending | sending | sent | failed
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    VARCHAR,
    slack_ts      VARCHAR,
    slack_channel VARCHAR,
    thread_ts     VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    sent_at       TIMESTAMPTZ
);

CREATE TABLE editions (
    edition_id    VARCHAR PRIMARY KEY,  -- <date>-<days>d
    edition_date  DATE NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    window_end    TIMESTAMPTZ NOT NULL,
    days          INTEGER NOT NULL,
    items         INTEGER NOT NULL,
    markdown_path VARCHAR,
    html_path     VARCHAR,
    json_path     VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL
);
