"""The web app agencies reach from their calendars and emails, and admins log in to: `app`
serves the iCal feeds and mounts the completion pages of `completion` and the admin area of
`admin` (login and its gate; `sessions` for accounts, cookies and throttling) with
`admin_plans` (upload, review, starting Prefect runs through `prefect_runs`); templates in
`templates/`. It may import flows, notifications, calendars, tasks, models and dondoc.core;
only the CLI and the main job import it."""
