"""Which emails a day brings: the notification policy (`policy`: lead times, the escalation
ladder), the plain digests an email is built from (`digest`) and the day's selection of due-soon
reminders and overdue rungs (`selection`). Rendering and sending are notifications' work. May
import tasks.schedule, tasks.completion, models and dondoc.core."""

from dondoc.core.faces import lazy_face

__all__, __getattr__ = lazy_face(
    __name__,
    {
        "digest": (
            "Digest",
            "DigestKind",
            "NoticeItem",
            "Recipient",
            "Role",
        ),
        "policy": (
            "NotifyPolicy",
            "NotifyPolicyError",
        ),
        "selection": (
            "LinkMaker",
            "NoticeRun",
            "due_soon",
            "overdue",
        ),
    },
)
