-- An English reading of every story not in English (issue 26): a checked translation
-- when an LLM endpoint is configured, else a gist made from what the system knows, marked
-- as such (digest/english.py). One row per item; `method` says how it was made ("gist",
-- or "llm:<model>") and `classifier_version` which labels the gist read, so a reading is
-- made again when either changes.
CREATE TABLE english_readings (
    item_id             VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,  -- translation | gist
    language            VARCHAR,
    title               VARCHAR NOT NULL,
    summary             VARCHAR NOT NULL,
    note                VARCHAR NOT NULL,
    method              VARCHAR NOT NULL,
    classifier_version  VARCHAR,
    written_at          TIMESTAMPTZ NOT NULL
);

-- Every item in English, for analysts: English stories as they are (reading 'original'),
-- the others through their reading ('translation' or 'gist'; NULL until one is made).
CREATE VIEW v_items_english AS
SELECT
    i.item_id,
    i.published_at,
    i.source_name,
    i.language,
    CASE WHEN r.item_id IS NOT NULL THEN r.kind
         WHEN coalesce(i.language, 'en') LIKE 'en%' THEN 'original' END AS reading,
    CASE WHEN r.item_id IS NOT NULL THEN r.title
         WHEN coalesce(i.language, 'en') LIKE 'en%' THEN i.title END AS english_title,
    CASE WHEN r.item_id IS NOT NULL THEN r.summary
         WHEN coalesce(i.language, 'en') LIKE 'en%' THEN i.summary END AS english_summary,
    r.note AS reading_note,
    i.title AS original_title,
    i.summary AS original_summary,
    i.url,
    c.relevant,
    i.cluster_id
FROM items AS i
LEFT JOIN english_readings AS r USING (item_id)
LEFT JOIN v_classifications AS c USING (item_id);
