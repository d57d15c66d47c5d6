"""SQLAlchemy models of dondoc's state, and the queries over it (functions taking a session)."""

from models.agency import Agency, AgencyGroup, agency_group_member
from models.base import Base
from models.feed import FEED_KINDS, FeedToken
from models.occurrence import (
    OCCURRENCE_KINDS,
    OCCURRENCE_STATUSES,
    OPEN_STATUSES,
    Occurrence,
    OccurrenceEvent,
    OccurrenceStateError,
    PlanCompilation,
)
from models.outbox import OUTBOX_KINDS, OUTBOX_STATUSES, OutboxMessage
from models.plan import PLAN_STATUSES, ROLES, Assignment, Plan, PlanItem, PlanStateError

__all__ = [
    "FEED_KINDS",
    "OCCURRENCE_KINDS",
    "OCCURRENCE_STATUSES",
    "OPEN_STATUSES",
    "OUTBOX_KINDS",
    "OUTBOX_STATUSES",
    "PLAN_STATUSES",
    "ROLES",
    "Agency",
    "AgencyGroup",
    "Assignment",
    "Base",
    "FeedToken",
    "Occurrence",
    "OccurrenceEvent",
    "OccurrenceStateError",
    "OutboxMessage",
    "Plan",
    "PlanCompilation",
    "PlanItem",
    "PlanStateError",
    "agency_group_member",
]
