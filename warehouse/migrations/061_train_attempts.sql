-- Every attempt of the nightly refit (issue 13): versions, figures, decision, reason.
CREATE SEQUENCE train_attempt_seq;
CREATE TABLE train_attempts (
    attempt_id             BIGINT PRIMARY KEY DEFAULT nextval('train_attempt_seq'),
    started_at             TIMESTAMPTZ NOT NULL,
    finished_at            TIMESTAMPTZ NOT NULL,
    decision               VARCHAR NOT NULL,   -- promoted | kept | skipped
    reason                 VARCHAR NOT NULL,
    old_version            VARCHAR,
    new_version            VARCHAR,
    feedback_total         INTEGER NOT NULL DEFAULT 0,
    feedback_fitted        INTEGER NOT NULL DEFAULT 0,
    feedback_held_out      INTEGER NOT NULL DEFAULT 0,
    feedback_until         TIMESTAMPTZ,        -- newest feedback this attempt saw
    eval_items             INTEGER NOT NULL DEFAULT 0,
    old_eval_macro_f1      DOUBLE,
    new_eval_macro_f1      DOUBLE,
    old_eval_relevance     DOUBLE,
    new_eval_relevance     DOUBLE,
    old_feedback_agreement DOUBLE,
    new_feedback_agreement DOUBLE
);
