"""iCal feeds: which deadlines each feed shows (`feeds`), the iCalendar bytes (`ics`), the
ETag-carrying document (`documents`) and subscription tokens (`tokens`). Served by dondoc.web.
May import tasks, models and dondoc.core, never notifications."""
