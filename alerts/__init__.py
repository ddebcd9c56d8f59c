"""Slack alerts for watch-list items: once, promptly, readably.

- `alerts.rules.select_candidates`: which classifications owe an alert (pure).
- `alerts.config.destination_for`: Slack bot, webhook or outbox, from plain facts.
- `alerts.blocks`: Block Kit messages, escaping untrusted feed text, within Slack limits.
- `alerts.transports`: Slack bot (Web API), incoming webhook, JSONL outbox.
- `alerts.delivery.deliver`: reconcile interrupted attempts, plan without flooding, post.
- `alerts.edition`: the post announcing an edition.
- `alerts.email`: the edition by e-mail (message, addresses, exactly-once delivery);
  `alerts.smtp`: the SMTP session (smtplib), its URL and its errors.
- `alerts.rules.apply_rules`: watch rules owe alerts, mute rules turn them into `muted`.
- `alerts.feedback`: the four feedback buttons and what a click means.
- `alerts.socket_listener`: Socket Mode: clicks in, acks and message updates out.

This folder never reads settings or speaks SQL: `flows/steps/alerts_step.py` passes plain
values and backs the ledger with `warehouse.alerts`. See docs/alerts.md.
"""
