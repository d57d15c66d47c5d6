"""How a deadline's event is titled: its state ("QUÁ HẠN ", "✓ "), the agency's role
("[Chủ trì] ", "[Phối hợp] ") and its kind ("Báo cáo tiến độ: ") before the item's content.
The feeds title their events so (in Vietnamese); an email's .ics part repeats the same words
in the email's language, from here, so the two cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventWords:
    overdue: str
    done: str
    lead: str
    support: str
    checkin: str


EVENT_WORDS = {
    "vi": EventWords("QUÁ HẠN ", "✓ ", "[Chủ trì] ", "[Phối hợp] ", "Báo cáo tiến độ: "),
    "en": EventWords("OVERDUE ", "✓ ", "[Lead] ", "[Support] ", "Progress report: "),
}


def state_mark(state: str, language: str = "vi") -> str:
    """What an event's title starts with for work done ("✓ ") or overdue; nothing else."""
    words = EVENT_WORDS[language]
    return {"done": words.done, "done_late": words.done, "overdue": words.overdue}.get(state, "")


def role_label(role: str, language: str = "vi") -> str:
    """The agency's part in the work: lead, or support (coordinating)."""
    words = EVENT_WORDS[language]
    return words.lead if role == "lead" else words.support


def event_title(content: str, kind: str, language: str = "vi") -> str:
    """The item's content, a progress report (check-in) said so."""
    return (EVENT_WORDS[language].checkin if kind == "checkin" else "") + content


def event_summary(content: str, *, state: str, role: str, kind: str, language: str = "vi") -> str:
    return (
        state_mark(state, language)
        + role_label(role, language)
        + event_title(content, kind, language)
    )
