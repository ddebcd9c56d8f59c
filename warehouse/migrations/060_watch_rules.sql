-- Watch and mute rules (issue 13), the alert decisions they make, and Slack clicks.
-- watch_rules: the rules in force, one row per name. watch_rule_history: every add,
--   replace and remove, with who and when (rules are never edited in place silently).
CREATE TABLE watch_rules (
    name       VARCHAR PRIMARY KEY,
    query      VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,          -- watch | mute
    channels   VARCHAR[],                 -- extra Slack channels (bot token); empty: the default
    created_by VARCHAR,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE SEQUENCE watch_rule_event_seq;
CREATE TABLE watch_rule_history (
    event_id BIGINT PRIMARY KEY DEFAULT nextval('watch_rule_event_seq'),
    name     VARCHAR NOT NULL,
    action   VARCHAR NOT NULL,            -- add | replace | remove
    query    VARCHAR,
    kind     VARCHAR,
    channels VARCHAR[],
    analyst  VARCHAR,
    changed_at TIMESTAMPTZ NOT NULL
);
-- Who decided an alert: the classifier, a watch rule or a mute rule ('muted' rows are
-- never sent; they keep the decision visible in `alerts --dry-run` and in SQL).
ALTER TABLE alerts ADD COLUMN decided_by VARCHAR;
ALTER TABLE alerts ADD COLUMN reason VARCHAR;
-- One row per Slack button click (message + user + action): a redelivered envelope
-- finds its row and writes nothing twice.
CREATE TABLE feedback_clicks (
    click_key   VARCHAR PRIMARY KEY,
    alert_id    VARCHAR,
    item_id     VARCHAR,
    trend_id    VARCHAR,
    action      VARCHAR NOT NULL,         -- right | wrong_trend | off_theme | mute_source
    slack_user  VARCHAR NOT NULL,
    slack_ts    VARCHAR,
    channel     VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL
);
