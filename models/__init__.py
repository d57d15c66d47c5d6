"""SQLAlchemy models of dondoc's state, and the queries over it (functions taking a session)."""

from models.agency import Agency, AgencyGroup, agency_group_member
from models.base import Base
from models.plan import PLAN_STATUSES, ROLES, Assignment, Plan, PlanItem, PlanStateError

__all__ = [
    "PLAN_STATUSES",
    "ROLES",
    "Agency",
    "AgencyGroup",
    "Assignment",
    "Base",
    "Plan",
    "PlanItem",
    "PlanStateError",
    "agency_group_member",
]
