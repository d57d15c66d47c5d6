"""Which emails a day brings: the notification policy (`policy`: lead times, the escalation
ladder), the plain digests an email is built from (`digest`) and the day's selection of due-soon
reminders and overdue rungs (`selection`). Rendering and sending are notifications' work. May
import tasks.schedule, tasks.completion, models and dondoc.core."""
