-- The e-mail ledger (issue 18, part 4): one row per edition and recipient.
-- status: pending -> sending (committed before the SMTP transaction) -> sent | failed.
-- message_id: fixed when the row is created, so a copy sent again after a crash carries
--   the same Message-ID header as the first.
CREATE TABLE email_deliveries (
    edition_id  VARCHAR NOT NULL,
    recipient   VARCHAR NOT NULL,
    message_id  VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  VARCHAR,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ,
    PRIMARY KEY (edition_id, recipient)
);
