-- Alerts that behave under change (issue 24).
-- alerts.status gains `held`: the alert is owed to nobody, because its story was not news
--   (published, or first seen when undated, before the news horizon) or the classifier had
--   alerted the story already; `reason` says which. Held rows are never sent.
-- v_watchlist now also lists the alerts watch rules raised (trend_id `rule:<name>`), and
--   says who decided each alert and why (`decided_by`, `alert_reason`), held ones included.
CREATE OR REPLACE VIEW v_watchlist AS
WITH delivery AS (
    SELECT cluster_id, trend_id,
           max(status) AS alert_status,
           max(sent_at) AS alerted_at,
           arg_max(decided_by, status) AS decided_by,
           arg_max(reason, status) AS alert_reason
    FROM alerts
    GROUP BY ALL
),
rule_alerts AS (
    SELECT cluster_id, trend_id, arg_max(item_id, score) AS item_id, max(score) AS score
    FROM alerts
    WHERE starts_with(trend_id, 'rule:')
    GROUP BY ALL
),
item_evidence AS (
    SELECT item_id, arg_max(evidence, score) AS evidence
    FROM v_labels
    GROUP BY item_id
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
    i.item_id,
    d.decided_by,
    d.alert_reason
FROM v_labels AS l
JOIN items AS i USING (item_id)
LEFT JOIN trends AS tr
  ON tr.trend_id = l.trend_id AND tr.taxonomy_version = l.taxonomy_version
LEFT JOIN delivery AS d
  ON d.cluster_id = i.cluster_id AND d.trend_id = l.trend_id
WHERE l.trend_id LIKE 'W%'
UNION ALL
SELECT
    i.published_at,
    r.trend_id,
    'watch rule ' || substr(r.trend_id, 6) AS trend_name,
    r.score,
    i.title,
    i.source_name,
    i.url,
    e.evidence,
    r.cluster_id,
    d.alert_status,
    d.alerted_at,
    r.item_id,
    d.decided_by,
    d.alert_reason
FROM rule_alerts AS r
JOIN items AS i ON i.item_id = r.item_id
JOIN delivery AS d ON d.cluster_id = r.cluster_id AND d.trend_id = r.trend_id
LEFT JOIN item_evidence AS e ON e.item_id = r.item_id;
