-- The reading room (issue 27): entities and stories as data, and what its pages read fast.
--
-- item_actors: the actors each item names (classifiers/actors.py: the gazetteer's spellings
--   in every language, one English name each), written when the item is classified.
--   published_at, story_id and trends are the item's, copied so "stories naming X this
--   month, and their trends" reads this table alone (a story is never renamed; trends are
--   rewritten whenever the item is classified again).
-- story_reports: each classified item's story (an event: the near-copy clusters of ingest
--   joined when their reports tell the same event, warehouse/stories.py) and its role in it:
--   independent (a new outlet in its own words), echo (a near-copy of an earlier report,
--   the same page, or a link to another outlet's page) or follow-up (its outlet's second
--   report of the story). Stories are never renamed, as clusters are not.
-- current_classifications: each item's latest classification with its trend ids, kept in
--   the transaction that stores classifications, so a page reads labels without ranking
--   every classification of a million items (v_classifications still says the same).
-- edition_citations: which item each [n] of an edition cites, so an item knows its editions.
-- actor_months: per actor and month, the items and stories naming it, kept as items are
--   read, so an actor's page draws its history without counting a million rows.
-- The indexes serve the reading room's look-ups by key (a page's items' labels, a story's
-- reports); DuckDB uses them for `= ?` and `IN (?, ?, ...)`.
CREATE TABLE item_actors (
    item_id      VARCHAR NOT NULL,
    actor        VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,  -- country | region | agency | organisation | programme | company
    mentions     INTEGER NOT NULL,
    in_title     BOOLEAN NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    story_id     VARCHAR,           -- NULL until the item is placed in its story
    trends       VARCHAR[],         -- the item's current labels (kept on every relabel)
    PRIMARY KEY (item_id, actor)
);

CREATE TABLE story_reports (
    item_id     VARCHAR PRIMARY KEY,
    story_id    VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,   -- independent | echo | follow-up
    echo_of     VARCHAR,            -- the earlier report it copies or follows
    reason      VARCHAR,            -- near-copy | same page | links to another outlet | same outlet
    assigned_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE current_classifications (
    item_id            VARCHAR PRIMARY KEY,
    classifier_version VARCHAR NOT NULL,
    taxonomy_version   VARCHAR NOT NULL,
    classified_at      TIMESTAMPTZ NOT NULL,
    relevant           BOOLEAN NOT NULL,
    relevance          DOUBLE NOT NULL,
    trends             VARCHAR[] NOT NULL,  -- its labels, strongest first
    against            VARCHAR[] NOT NULL,  -- the labels whose stance runs against the trend
    published_at       TIMESTAMPTZ          -- the item's, so a page's newest days read alone
);

-- (filled from the stored classifications by warehouse/backfills.py)

CREATE TABLE actor_months (
    actor   VARCHAR NOT NULL,
    kind    VARCHAR NOT NULL,
    month   DATE NOT NULL,               -- the first day of the month (UTC)
    items   INTEGER NOT NULL,
    stories INTEGER NOT NULL,            -- distinct stories naming it in that month
    PRIMARY KEY (actor, month)
);

CREATE INDEX labels_by_item ON labels (item_id);
CREATE INDEX classifications_by_item ON classifications (item_id);
CREATE INDEX story_reports_by_story ON story_reports (story_id);
CREATE INDEX item_actors_by_story ON item_actors (story_id);

CREATE TABLE edition_citations (
    edition_id VARCHAR NOT NULL,
    number     INTEGER NOT NULL,
    item_id    VARCHAR NOT NULL,
    PRIMARY KEY (edition_id, number)
);

CREATE VIEW v_story_reports AS
SELECT s.story_id, s.item_id, s.role, s.echo_of, s.reason, i.published_at, i.source_id,
       i.source_name, i.title, i.url, i.language, i.cluster_id
FROM story_reports AS s
JOIN items AS i USING (item_id);

CREATE VIEW v_stories AS
SELECT story_id,
       arg_min(title, (role <> 'independent', published_at, item_id)) AS headline,
       min(published_at) AS first_published,
       max(published_at) AS last_published,
       count(*) AS reports,
       count(*) FILTER (WHERE role = 'independent') AS independent_reports,
       count(*) FILTER (WHERE role = 'echo') AS echoes,
       count(*) FILTER (WHERE role = 'follow-up') AS follow_ups,
       list(DISTINCT coalesce(source_name, source_id)) AS outlets,
       list(coalesce(source_name, source_id) ORDER BY published_at, item_id)
           FILTER (WHERE role = 'independent') AS independent_outlets
FROM v_story_reports
GROUP BY story_id;

CREATE VIEW v_item_actors AS
SELECT a.item_id, a.actor, a.kind, a.mentions, a.in_title, a.published_at,
       CAST(timezone('UTC', a.published_at) AS DATE) AS published_day,
       coalesce(a.story_id, i.cluster_id) AS story_id, i.title, i.source_name,
       c.relevant
FROM item_actors AS a
JOIN items AS i USING (item_id)
LEFT JOIN current_classifications AS c USING (item_id);
