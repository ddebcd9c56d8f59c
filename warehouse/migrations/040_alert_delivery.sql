-- Delivery bookkeeping for the alerts ledger (issue 6).
-- message_key: the marker carried by the message that delivers (or tried to deliver) the
--   alert; a run finding a row still 'sending' looks for this marker in Slack or the outbox.
-- reply_to: the marker of the story's first message when this alert was a thread follow-up.
ALTER TABLE alerts ADD COLUMN message_key VARCHAR;
ALTER TABLE alerts ADD COLUMN reply_to VARCHAR;
