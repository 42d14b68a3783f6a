"""Notifications: reminders, e-mail and calendar feeds built from domain decisions (when
mail is due and which warning signs a patient is told are pure rules in `domain`).

- `models`: the outbox (one row per e-mail, unique idempotency key), mail preferences,
  calendar feeds
- `aftercare`, `daylight`: a session's aftercare in the clinic's time, sunset included
- `calendar`: pure iCalendar files (a session's aftercare, a patient's whole calendar)
- `services` / `selectors`: the writes patients and staff ask for (preferences,
  unsubscribing, calendar feeds) and the reads, audited
- `patient_mail`, `escalations`: queue what is due (patients' mail; mail to a clinic about
  alerts left open); `outbox` adds each message once and sends it; `mail` composes them
- `jobs`: the huey queue and its periodic tasks (run by `needlepoint worker`)
"""
