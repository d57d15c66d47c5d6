"""The web app agencies reach from their calendars and emails: `app` serves the iCal feeds and
mounts the completion pages of `completion` (with `templates/`). It may import flows,
notifications, calendars, tasks, models and dondoc.core; only the CLI and the main job import
it."""
