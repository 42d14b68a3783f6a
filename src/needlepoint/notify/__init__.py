"""Notifications: reminders, e-mail and calendar feeds built from domain decisions.

- `calendar`: pure iCalendar files (a session's aftercare, a patient's whole calendar)
- `warning_signs`: the red flags a patient is told about, from the knowledge (pure)
- `due`: what mail is due at a moment (pure)
- `models`: the outbox (one row per e-mail, unique idempotency key), mail preferences,
  calendar feeds
- `services` / `selectors`: writes and reads, audited; `mail` composes the messages
- `jobs`: the huey queue and its periodic tasks (run by `needlepoint worker`)
"""
