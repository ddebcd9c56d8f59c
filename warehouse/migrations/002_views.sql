-- Views for people. Each item counts with its latest classification only, so a relabel
-- under a new taxonomy or model version replaces the old labels in every view.

CREATE VIEW v_classifications AS
SELECT *
FROM classifications
QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY classified_at DESC, classifier_version DESC) = 1;

CREATE VIEW v_labels AS
SELECT l.*
FROM labels AS l
JOIN v_classifications AS c
  ON c.item_id = l.item_id
 AND c.classifier_version = l.classifier_version
 AND c.taxonomy_version = l.taxonomy_version;

CREATE VIEW v_items AS
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
    c.taxonomy_version
FROM items AS i
LEFT JOIN v_classifications AS c USING (item_id)
LEFT JOIN item_trends AS t USING (item_id);

CREATE VIEW v_trend_daily AS
SELECT
    CAST(timezone('UTC', i.published_at) AS DATE) AS day,
    l.trend_id,
    any_value(tr.family) AS family,
    any_value(tr.name) AS trend_name,
    count(DISTINCT i.item_id) AS items,
    count(DISTINCT i.cluster_id) AS stories,
    avg(l.score) AS mean_score
FROM v_labels AS l
JOIN items AS i USING (item_id)
LEFT JOIN trends AS tr
  ON tr.trend_id = l.trend_id AND tr.taxonomy_version = l.taxonomy_version
GROUP BY ALL;

CREATE VIEW v_watchlist AS
WITH delivery AS (
    SELECT cluster_id, trend_id, max(status) AS alert_status, max(sent_at) AS alerted_at
    FROM alerts
    GROUP BY ALL
)
SELECT
    i.published_at,
    l.trend_id,
    tr.name AS trend_name,
    l.score,
    i.title,
    i.source_name,
    i.url,
    l.evidence,
    i.cluster_id,
    d.alert_status,
    d.alerted_at,
    i.item_id
FROM v_labels AS l
JOIN items AS i USING (item_id)
LEFT JOIN trends AS tr
  ON tr.trend_id = l.trend_id AND tr.taxonomy_version = l.taxonomy_version
LEFT JOIN delivery AS d
  ON d.cluster_id = i.cluster_id AND d.trend_id = l.trend_id
WHERE l.trend_id LIKE 'W%';
