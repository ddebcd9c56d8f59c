-- Full text of teaser feeds (issue 14): the article text of the item's page, which
-- extractor (name and version) produced it so it can be re-extracted, and how the
-- attempt ended. content_status: ok | failed | blocked (robots.txt); NULL: never tried.
-- A page is fetched once: only `spacebrief ingest --refetch-content` tries again.
ALTER TABLE items ADD COLUMN content VARCHAR;
ALTER TABLE items ADD COLUMN content_extractor VARCHAR;
ALTER TABLE items ADD COLUMN content_status VARCHAR;
ALTER TABLE items ADD COLUMN content_error VARCHAR;
ALTER TABLE items ADD COLUMN content_fetched_at TIMESTAMPTZ;

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
    i.offsite,
    i.content,
    i.content_status
FROM items AS i
LEFT JOIN v_classifications AS c USING (item_id)
LEFT JOIN item_trends AS t USING (item_id);
