-- Identity per source (issues 14 and 16): every item keeps its id; new ids are scoped to
-- the source. `offsite`: the item's URL lies outside its source's own site (a feed
-- linking to another outlet's page), so it is marked and never names a story cluster.
-- The stored URLs are rewritten to the new canonical form (w3lib) by the Python step
-- that follows this file (warehouse/backfills.py), so a re-read finds its rows.
ALTER TABLE items ADD COLUMN offsite BOOLEAN NOT NULL DEFAULT FALSE;

CREATE OR REPLACE VIEW v_items AS
WITH item_trends AS (
    SELECT item_id, list(trend_id ORDER BY score DESC) AS trends, max(score) AS top_score
    FROM v_labels
    GROUP BY item_id
)
SELECT
    i.item_id,
    i.published_at,
    CAST(timezone('UTC', i.published_at) AS DATE) AS published_day,
    i.source_name,
    i.title,
    i.summary,
    i.url,
    i.language,
    i.cluster_id,
    c.relevant,
    c.relevance,
    coalesce(t.trends, []::VARCHAR[]) AS trends,
    t.top_score,
    i.source_id,
    i.fetched_at,
    i.published_inferred,
    c.classifier_version,
    c.taxonomy_version,
    i.offsite
FROM items AS i
LEFT JOIN v_classifications AS c USING (item_id)
LEFT JOIN item_trends AS t USING (item_id);
