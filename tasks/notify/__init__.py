"""Which emails a day brings: the notification policy (`policy`: lead times, the escalation
ladder), the plain digests an email is built from (`digest`) and the day's selection of due-soon
reminders and overdue rungs (`selection`). Rendering and sending are notifications' work. May
import tasks.schedule, tasks.completion, models and dondoc.core."""

from tasks.notify.digest import Digest, DigestKind, NoticeItem, Recipient, Role
from tasks.notify.policy import NotifyPolicy, NotifyPolicyError
from tasks.notify.selection import LinkMaker, NoticeRun, due_soon, overdue

__all__ = [
    "Digest",
    "DigestKind",
    "LinkMaker",
    "NoticeItem",
    "NoticeRun",
    "NotifyPolicy",
    "NotifyPolicyError",
    "Recipient",
    "Role",
    "due_soon",
    "overdue",
]
