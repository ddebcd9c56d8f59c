-- The adaptive poll schedule (issue 15): why each source's next fetch is when it is.
-- poll_interval_seconds: the interval the schedule chose after the last fetch.
-- entries_per_day: the publishing rate it was measured from (NULL: not known yet).
-- schedule_reason: the rule that decided (a rate, max-age, ttl, Retry-After, a backoff).
-- feed_ttl_seconds, feed_update_seconds: RSS <ttl> and sy:updatePeriod/updateFrequency of
--   the last feed body, kept because a 304 answer carries no body to read them from.
ALTER TABLE sources ADD COLUMN poll_interval_seconds DOUBLE;
ALTER TABLE sources ADD COLUMN entries_per_day DOUBLE;
ALTER TABLE sources ADD COLUMN schedule_reason VARCHAR;
ALTER TABLE sources ADD COLUMN feed_ttl_seconds DOUBLE;
ALTER TABLE sources ADD COLUMN feed_update_seconds DOUBLE;
