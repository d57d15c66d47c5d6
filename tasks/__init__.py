"""The domain work flows and commands call, one sub-package per domain: `plans` (reading plan
documents and structured plans, storing them), `directory` (agency directories: load, store,
resolve names), `schedule` (working days, timeframe rules, compiling plans into dated work,
event identity), `completion` (signed completion links, completion spreadsheets), `notify`
(the notification policy and the day's selection of digests), `reports` (progress). Tasks may
import models and dondoc.core, never calendars, notifications, flows or the CLI; sub-packages
import each other without cycles."""
