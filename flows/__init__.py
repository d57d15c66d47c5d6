"""Prefect flows: orchestration only. Each takes ids and dates, calls the work of `tasks`,
`notifications` and `calendars` in a few batched task runs (never one per email or feed) and
publishes artifacts; `serve` serves prefect.yaml's deployments in one process. Flows may import
every layer below them (notifications, calendars, tasks, models, dondoc.core), never the CLI or
the web app."""
