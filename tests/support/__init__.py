"""Helpers the tests share, not tests themselves: the CLI runner (`cli`), seeded data
(`seeds`), a real SMTP server (`smtp`), Prefect services (`prefect_services`) and the
independent iCalendar readers (`ical_check`)."""
