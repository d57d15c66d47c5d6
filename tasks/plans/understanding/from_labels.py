"""Items written as a task followed by label blocks at any depth and with any bullet:
"- Cơ quan chủ trì: …", "a) Đơn vị chủ trì: …", "+ Chủ trì: …", "Cơ quan thực hiện:" over
"- Chủ trì …" / "- Phối hợp …", several labels on one line, a timeframe glued to an agency."""

from __future__ import annotations

import re

from tasks.plans.agency_names import starts_like_agency
from tasks.plans.document import MARKER_DEPTH, Block
from tasks.plans.understanding.agencies import agency_label, names_an_agency
from tasks.plans.understanding.clauses import FIRST_VERB, glued_timeframe, read_roles, time_phrase
from tasks.plans.understanding.raw import RawItem, Reading
from tasks.plans.understanding.sections import Section
from tasks.plans.understanding.vocabulary import Role, split_labels

_ITEM_ROLES = {
    "lead",
    "coordinating",
    "executor",
    "timeframe",
    "content",
    "product",
    "monitor",
    "note",
}


# a field name of a few words before a colon: "Thành phần:", "Địa điểm tổ chức:"
_OTHER_FIELD = re.compile(r"^[A-ZĐÀ-Ỹ][^\W\d_]*(?: [^\W\d_]+){0,3}\s*:")
_ASIDE = re.compile(r"^\([^()]*\)[.;]?$", re.S)
# dot leaders of a form's blank: "…………", "........"
_FORM_BLANK = re.compile(r"\.{5,}|…{3,}|(?:\.?…){3,}")


class _Assembler:
    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self.reading = Reading()
        self.task: tuple[int, Block] | None = None
        self.item: RawItem | None = None
        self.filled: set[Role] = set()
        self.last: tuple[Role, Block, str] | None = None
        self.shares: list[RawItem] = []

    def close(self) -> None:
        if self.item is not None and self.shares:
            # "Cơ quan thực hiện:" or "Thời gian thực hiện:" over bullets that each name who
            # does what by when: every bullet is an item of its own
            for share in self.shares:
                share.timeframe = share.timeframe or self.item.timeframe
                share.timeframe_line = share.timeframe_line or self.item.timeframe_line
                self.reading.items.append(share)
        # a numbered task with a timeframe label but no lead is kept (and warned about)
        elif self.item is not None and (self.item.lead or self._numbered_without_lead()):
            self.reading.items.append(self.item)
        self.item, self.filled, self.last, self.shares = None, set(), None, []

    def _numbered_without_lead(self) -> bool:
        task = self.task[1] if self.task else None
        return bool(
            self.item is not None
            and self.item.timeframe
            and task is not None
            and task.style not in {"", "roman"}
        )

    def share(self, block: Block) -> bool:
        """A bullet under an empty label that opens with an agency doing something."""
        assert self.item is not None
        if not FIRST_VERB.search(block.text):
            return False  # a bare list of agencies is the label's value, not a sentence
        roles = read_roles(block.text)
        if not roles.leads or not names_an_agency(roles.leads[0]):
            return False
        share = RawItem(
            self.item.seq,
            self.item.content,
            block.line,
            self.item.section,
            how="sentence under a label",
        )
        share.lead = roles.leads[:1]
        share.coordinating = roles.partners
        share.timeframe = roles.timeframe or time_phrase(block.text)
        share.timeframe_line = block.line if share.timeframe else 0
        # the task's details go with its first share only: one copy each made output quadratic
        share.details = [] if self.shares else list(self.item.details)
        self.shares.append(share)
        return True

    def open(self, at: int, block: Block) -> RawItem:
        index, task = self.task if self.task else (at, block)
        section = self.sections[index]
        content = task.text if self.task else ""
        item = RawItem(task.marker, content, task.line, section.marker, how="labels")
        if self.task and (named := agency_label(task.text)):
            item.lead, item.content = [named.who], named.task  # "+ Sở Xây dựng: hướng dẫn …"
            item.coordinating = list(named.partners)
            self.filled.add("lead")
        if self.task:
            self.reading.used.add(index)
        return item

    def label(self, index: int, block: Block, labels: list[tuple[Role, str]]) -> None:
        for role, value in labels:
            # "Cơ quan chủ trì: A" then "Đơn vị thực hiện: B" is one task, its lead and who does
            # it; a second lead, or a second "thực hiện" label, starts the next task
            starts_new = ("lead" in self.filled and role == "lead") or (
                role == "executor" and "executor" in self.filled
            )
            if self.item is None or starts_new:
                self.close()
                self.item = self.open(index, block)
            self.apply(role, value, block)
        self.reading.used.add(index)
        self.reading.labels_seen.append(block.line)
        self.last = (labels[-1][0], block, labels[-1][1])

    def apply(self, role: Role, value: str, block: Block) -> None:
        item = self.item
        assert item is not None
        if role in {"lead", "executor", "coordinating", "timeframe"} and _FORM_BLANK.search(value):
            return  # "Họ và tên người chủ trì:………… Chức vụ ……": a form to fill in, no value
        if role in {"lead", "executor", "coordinating"}:
            value, glued = glued_timeframe(value)
            if glued and not item.timeframe:
                item.timeframe, item.timeframe_line = glued, block.line
        if role in {"lead", "executor"} and value:
            if FIRST_VERB.search(value):
                roles = read_roles(value)
                item.lead.extend(roles.leads)
                item.coordinating.extend(roles.partners)
            elif role == "lead" or not item.lead:
                item.lead.append(value)
            else:
                item.details.append(block.text)  # who carries out a task led by another
            self.filled |= {"lead", role}
        elif role == "coordinating" and value:
            item.coordinating.append(value)
            self.filled.add(role)
        elif role == "timeframe" and value and not item.timeframe:
            item.timeframe, item.timeframe_line = value, block.line
            self.filled.add(role)
        elif value:
            item.details.append(block.text if role != "content" else value)

    def continues_value(self, block: Block) -> bool:
        if self.item is None or self.last is None:
            return False
        role, label_block, value = self.last
        deeper = MARKER_DEPTH.get(block.style, -1) > MARKER_DEPTH.get(label_block.style, 9)
        if role in {"content", "product", "monitor"}:
            return deeper
        if not value and role in {"lead", "coordinating", "executor"} and not block.style:
            return starts_like_agency(block.text)  # "b) Cơ quan phối hợp" over a plain paragraph
        return deeper and (not value or role == "timeframe")

    def sibling_field(self, block: Block) -> bool:
        """A field the vocabulary does not know ("- Thành phần: …", "- Địa điểm: …") among the
        labels of an open task, at their depth, or a note in brackets: part of the task, not
        the start of another."""
        if self.item is None or self.last is None:
            return False
        if _ASIDE.match(block.text):
            return True  # "(Văn phòng … giúp Ban Chỉ đạo …)": a note between two labels
        found = _OTHER_FIELD.match(block.text)
        same_depth = block.style == self.last[1].style
        return bool(found and same_depth and not agency_label(block.text))

    def other(self, index: int, block: Block) -> None:
        if self.sibling_field(block):
            assert self.item is not None
            self.item.details.append(block.text)
            self.reading.used.add(index)
            return
        if self.continues_value(block):
            assert self.item is not None and self.last is not None
            role, _, value = self.last
            self.reading.used.add(index)
            empty_agency_label = role in {"lead", "executor"} and not value
            if (empty_agency_label or role == "timeframe") and self.share(block):
                return
            if role in {"content", "product", "monitor"}:
                self.item.details.append(f"{block.written_marker} {block.text}".strip())
            elif role == "timeframe":
                joined = f"{self.item.timeframe or ''} {block.text}".strip()
                self.item.timeframe = joined
                self.item.timeframe_line = self.item.timeframe_line or block.line
            else:
                self.apply(role, block.text, block)
            return
        self.close()
        self.task = (index, block)


def read_label_items(blocks: list[Block], sections: list[Section]) -> Reading:
    assembler = _Assembler(sections)
    for index, block in enumerate(blocks):
        if block.kind == "table":
            assembler.close()
            assembler.task = None
            continue
        labels = [pair for pair in split_labels(block.text) if pair[0] in _ITEM_ROLES]
        if labels:
            assembler.label(index, block, labels)
        else:
            assembler.other(index, block)
    assembler.close()
    return assembler.reading
