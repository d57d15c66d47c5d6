"""approve-plan: an admin reviews a draft plan and approves or rejects it from the Prefect UI.

The flow publishes the plan's summary, then pauses with a Resume form (who decides, approve
or reject, a comment); the decision is recorded in one transaction. Only a draft is ever
paused for: anything else is refused at once, so no form waits for a decision nobody can
take."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field, ValidationError, field_validator
from sqlalchemy.orm import selectinload

from dondoc.core.clock import now_utc
from dondoc.core.db import session_scope
from flows.retries import retry_unless
from models import Plan, PlanItem, PlanStateError
from models.schema import ready_database_url
from tasks.plans import CHECK, ItemDoubts, check_first

# A paused run keeps its worker process alive: a day is long enough for an admin to decide
# and short enough not to pin a worker slot for a forgotten review (re-run the flow then).
REVIEW_TIMEOUT_SECONDS = 24 * 3600
# How often the paused run asks the server whether it was resumed (Prefect's default).
PAUSE_POLL_SECONDS = 10


class PlanDecision(RunInput):
    """The Resume form. The schema's limits are checked by the server when the admin submits
    (the form shows the error); the validators run only once the flow has the answer."""

    approver: str = Field(
        min_length=1, max_length=200, title="Người duyệt", description="Họ và tên người quyết định"
    )
    decision: Literal["approve", "reject"] = Field(
        default="approve", title="Quyết định", description="approve: duyệt; reject: từ chối"
    )
    comment: str = Field(default="", title="Ý kiến", description="Ghi chú (nên ghi khi từ chối)")

    @field_validator("approver")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the approver's name is blank")
        return value.strip()

    @field_validator("comment")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()


@dataclass(frozen=True)
class PlanReview:
    """What the admin sees before deciding, read once from the database."""

    plan_id: int
    number: str | None
    title: str
    issuer: str | None
    items: int
    warnings: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    check_first: list[str] = field(default_factory=list)  # doubtful items, one line each

    def markdown(self) -> str:
        lines = [
            f"# Duyệt kế hoạch {self.number or '(chưa có số)'}",
            "",
            f"**{self.title}**",
            "",
            f"- Mã kế hoạch: {self.plan_id}",
            f"- Cơ quan ban hành: {self.issuer or '—'}",
            f"- Số nhiệm vụ: {self.items}",
            f"- Cảnh báo khi đọc văn bản: {len(self.warnings)}",
            f"- Tên đơn vị chưa có trong danh mục: {len(self.unresolved)}",
            f"- Nhiệm vụ cần kiểm tra trước: {len(self.check_first)}",
        ]
        if self.check_first:
            lines += ["", "## Kiểm tra trước (check these first)", "", *self.check_first]
            lines += [
                "",
                "Sửa qua bảng tính: `dondoc plan export` ra XLSX, sửa, rồi `dondoc plan import`.",
            ]
        if self.warnings:
            lines += ["", "## Cảnh báo", "", *(f"- {w}" for w in self.warnings)]
        if self.unresolved:
            lines += ["", "## Đơn vị chưa xác định", "", *(f"- {n}" for n in self.unresolved)]
            lines += [
                "",
                "Kế hoạch được duyệt vẫn chưa lập được lịch công việc cho đến khi các đơn vị"
                " này được thêm vào danh mục và kế hoạch được nhập lại.",
            ]
        lines += [
            "",
            "Bảng nhiệm vụ chi tiết: artifact **plan-import**.",
            "",
            "Điền họ tên người duyệt, chọn **approve** (duyệt) hoặc **reject** (từ chối),"
            " ghi ý kiến nếu có, rồi bấm **Resume**.",
        ]
        return "\n".join(lines)


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=retry_unless(PlanStateError))
def review_plan(plan_id: int) -> PlanReview:
    """Load the draft's summary and publish it; a plan that is not a draft is refused."""
    with session_scope(ready_database_url()) as session:
        plan = session.get(
            Plan,
            plan_id,
            options=[selectinload(Plan.items).selectinload(PlanItem.assignments)],
        )
        if plan is None:
            raise PlanStateError(f"no plan with id {plan_id}")
        plan.check_draft()
        review = plan_review(plan)
    create_markdown_artifact(
        key="plan-review", markdown=review.markdown(), description=f"Plan {plan_id} review"
    )
    return review


def plan_review(plan: Plan) -> PlanReview:
    """The review of a stored plan (items and their assignments loaded)."""
    return PlanReview(
        plan_id=plan.id,
        number=plan.number,
        title=plan.title,
        issuer=plan.issuer,
        items=len(plan.items),
        warnings=[f"dòng {w['line']}: {w['message']}" for w in plan.warnings],
        unresolved=[
            f"{a.name_as_written} (nhiệm vụ {item.seq})"
            for item in plan.items
            for a in item.assignments
            if a.unresolved
        ],
        check_first=[_doubt_line(found) for found in check_first(plan.items)],
    )


def _doubt_line(found: ItemDoubts) -> str:
    """One markdown bullet: the item, its source line and each field to check, with why."""
    where = f" (dòng {found.item.source_line})" if found.item.source_line else ""
    checks = "; ".join(f"{CHECK}{name}: {why}" for name, why in found.fields)
    return f"- Nhiệm vụ {found.item.seq}{where}: {found.item.content[:80]} — {checks}"


def wait_for_decision(review: PlanReview) -> PlanDecision:
    """Pause until an admin submits the form; an answer the validators refuse pauses again
    with the reason on top of the form, instead of failing the review."""
    problem = ""
    while True:
        form = PlanDecision.with_initial_data(description=problem + review.markdown())
        try:
            return pause_flow_run(
                wait_for_input=form,
                timeout=REVIEW_TIMEOUT_SECONDS,
                poll_interval=PAUSE_POLL_SECONDS,
            )
        except ValidationError as exc:
            reasons = "; ".join(str(error["msg"]) for error in exc.errors())
            print(f"decision refused ({reasons}); waiting for another")
            problem = f"> **Chưa ghi nhận quyết định**: {reasons}. Vui lòng điền lại.\n\n"


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=retry_unless(PlanStateError))
def record_decision(
    plan_id: int, approver: str, decision: Literal["approve", "reject"], comment: str
) -> str:
    """Approve or reject in one transaction; a plan no longer a draft fails the run."""
    with session_scope(ready_database_url()) as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise PlanStateError(f"no plan with id {plan_id}")
        if decision == "approve":
            plan.approve(approver, now_utc(), comment)
        else:
            plan.reject(approver, comment, now_utc())
        return plan.status


@flow(name="approve-plan", log_prints=True)
def approve_plan(plan_id: int) -> str:
    """Review a draft plan and record an admin's decision; returns the plan's new status."""
    review = review_plan(plan_id)
    answer = wait_for_decision(review)
    status = record_decision(plan_id, answer.approver, answer.decision, answer.comment)
    print(f"plan {plan_id} {status} by {answer.approver}")
    return status
