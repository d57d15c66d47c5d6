"""Items written as a task followed by label blocks at any depth and with any bullet:
"- Cơ quan chủ trì: …", "a) Đơn vị chủ trì: …", "+ Chủ trì: …", "Cơ quan thực hiện:" over
"- Chủ trì …" / "- Phối hợp …", several labels on one line, a timeframe glued to an agency."""

from __future__ import annotations

from tasks.plans.document import Block
from tasks.plans.understanding.clauses import FIRST_VERB, glued_timeframe, read_roles
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
_SUB_STYLES = {"dash", "plus", "bullet", "letter"}


class _Assembler:
    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self.reading = Reading()
        self.task: tuple[int, Block] | None = None
        self.item: RawItem | None = None
        self.filled: set[Role] = set()
        self.last: tuple[Role, Block, str] | None = None

    def close(self) -> None:
        if self.item is not None and (self.item.lead or self.item.timeframe):
            self.reading.items.append(self.item)
        self.item, self.filled, self.last = None, set(), None

    def open(self, at: int, block: Block) -> RawItem:
        index, task = self.task if self.task else (at, block)
        section = self.sections[index]
        content = task.text if self.task else ""
        item = RawItem(task.marker, content, task.line, section.marker, how="labels")
        if self.task:
            self.reading.used.add(index)
        return item

    def label(self, index: int, block: Block, labels: list[tuple[Role, str]]) -> None:
        for role, value in labels:
            starts_new = role in {"lead", "executor"} and "lead" in self.filled
            if self.item is None or starts_new:
                self.close()
                self.item = self.open(index, block)
            self.apply(role, value, block)
        self.reading.used.add(index)
        self.last = (labels[-1][0], block, labels[-1][1])

    def apply(self, role: Role, value: str, block: Block) -> None:
        item = self.item
        assert item is not None
        if role in {"lead", "executor", "coordinating"}:
            value, glued = glued_timeframe(value)
            if glued and not item.timeframe:
                item.timeframe, item.timeframe_line = glued, block.line
        if role in {"lead", "executor"} and value:
            if FIRST_VERB.search(value):
                roles = read_roles(value)
                item.lead.extend(roles.leads)
                item.coordinating.extend(roles.partners)
            else:
                item.lead.append(value)
            self.filled.add("lead")
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
        deeper = block.style in _SUB_STYLES and block.style != label_block.style
        if role in {"content", "product", "monitor"}:
            return deeper
        return deeper and (not value or role == "timeframe")

    def other(self, index: int, block: Block) -> None:
        if self.continues_value(block):
            assert self.item is not None and self.last is not None
            role = self.last[0]
            self.reading.used.add(index)
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
