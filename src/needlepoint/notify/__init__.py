"""Notifications: reminders by e-mail and text, and calendar feeds, built from domain
decisions (when messages are due and which warning signs a patient is told are pure rules in
`domain`).

- `models`: the outbox (one row per message and channel, unique idempotency key), preferences
  per channel and kind, consent to texts, clinics' own message texts, calendar feeds
- `aftercare`, `daylight`: a session's aftercare in the clinic's time, sunset included
- `calendar`: pure iCalendar files (a session's aftercare, a patient's whole calendar)
- `services` / `selectors`: the writes patients and staff ask for (preferences, consent to
  texts, unsubscribing, calendar feeds, message texts) and the reads, audited
- `patient_mail`, `escalations`: queue what is due (patients' messages; mail to a clinic
  about alerts left open); `outbox` adds each message once per channel and sends it
- `texts`, `mail`: the messages' words (defaults, a clinic's own, checked); `phones`: mobile
  numbers as E.164; `sms`: the SMS backends (files, console, Twilio)
- `jobs`: the huey queue and its periodic tasks (run by `needlepoint worker`)
"""
