"""Email: one day's digests selected, rendered and queued (`daily`), Jinja2 templates and rendering
(`render`, `mime`, `templates/`), the outbox (`outbox`) and the SMTP sender (`smtp`, with its
settings and error type in `delivery`), the progress and failure emails (`report_mail`,
`alerts`) and the main job's local mail catcher (`mailcatcher`). May import calendars (an email
carries .ics parts), tasks, models and dondoc.core."""
