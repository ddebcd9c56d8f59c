-- Identity per source (issues 14 and 16): every item keeps its id; new ids are scoped to
-- the source. `offsite`: the item's URL lies outside its source's own site (a feed
-- linking to another outlet's page), so it is marked and never names a story cluster.
-- The stored URLs are rewritten to the new canonical form (w3lib) by the Python step
-- that follows this file (warehouse/backfills.py), so a re-read finds its rows.
ALTER TABLE items ADD COLUMN offsite BOOLEAN NOT NULL DEFAULT FALSE;
