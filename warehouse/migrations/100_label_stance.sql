-- Stance of each label (issue 18): does the item support the trend's statement or run
-- against it? stance_score is the stance head's P(against). Labels written before this
-- migration count as supporting, which is what a label claimed until then.
ALTER TABLE labels ADD COLUMN stance VARCHAR DEFAULT 'supports';
ALTER TABLE labels ADD COLUMN stance_score DOUBLE DEFAULT 0.0;
