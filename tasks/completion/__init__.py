"""Reporting work done: signed, expiring completion links (`links`) and completion
spreadsheets a clerk fills (`sheet` reads them, `importer` records them). May import
tasks.schedule, tasks.directory, models and dondoc.core."""
