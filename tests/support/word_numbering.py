"""Word's automatic numbering for the plans tests.support.make_docx writes: each numbered
block's marker ("1.", "1.2.", "a)", "II.", "Điều 1.") becomes a list level in numbering.xml,
counted as Word counts, so that the paragraph's text holds no marker and the reader has to
render it, as in agencies' own files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import docx
from docx.oxml.parser import parse_xml

from tasks.plans.document import Block

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_ROMAN = {"I": 1, "V": 5, "X": 10}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LEVELS = 9
_MARKER_PARTS = {
    "number": re.compile(r"^(?P<prefix>)(?P<values>\d{1,3}(?:\.\d{1,2})*)(?P<suffix>\D*)$"),
    "article": re.compile(r"^(?P<prefix>\D+?)(?P<values>\d{1,3})(?P<suffix>\D*)$"),
    "upperRoman": re.compile(r"^(?P<prefix>)(?P<values>[IVX]{1,5})(?P<suffix>[^IVX]*)$"),
    "upperLetter": re.compile(r"^(?P<prefix>)(?P<values>[A-H])(?P<suffix>[^A-Z]*)$"),
    "lowerLetter": re.compile(r"^(?P<prefix>)(?P<values>[a-z])(?P<suffix>[^a-z]*)$"),
}


@dataclass
class _Abstract:
    """One abstract list: its number format, the text before the numbers ("Điều "), and
    after them at each level ("." for "1.", "" for "1.2"); `starts` its levels' w:start."""

    numfmt: str
    prefix: str
    suffixes: dict[int, str] = field(default_factory=dict)
    starts: tuple[int, ...] = ()

    def fits(self, level: int, suffix: str) -> bool:
        return self.suffixes.setdefault(level, suffix) == suffix


@dataclass
class _Num:
    abstract: int
    counters: list[int | None] = field(default_factory=lambda: [None] * _LEVELS)
    starts: list[int] = field(default_factory=lambda: [1] * _LEVELS)
    levels: int = 1  # the levels its start values are set for (w:startOverride)


@dataclass
class Numbering:
    """numbering.xml being written: an abstract list per marker form ("1." with its "1.2"
    levels, "a)", "II.", "Điều 1."), and a new list instance (w:num, its start values
    overridden) wherever the text's numbers do not follow on from Word's counters."""

    abstracts: list[_Abstract] = field(default_factory=list)
    nums: list[_Num] = field(default_factory=list)
    current: dict[tuple[str, str], int] = field(default_factory=dict)

    def number(self, block: Block) -> tuple[int, int] | None:
        """(numId, ilvl) of a numbered block, None when its marker stays in the text."""
        parsed = _parse_marker(block)
        if parsed is None:
            return None
        (numfmt, prefix, suffix), values = parsed
        level = len(values) - 1
        index = self.current.get((numfmt, prefix))
        if index is not None:
            num = self.nums[index]
            if not (self.abstracts[num.abstract].fits(level, suffix) and _follows(num, values)):
                index = None
        if index is None:
            # a new instance restarts only with its start values overridden (without them
            # Word counts on from the other instances of the same abstract list); the levels
            # above the item start where its number says in the abstract list itself, as
            # LibreOffice shows an unused level's w:start, not its override
            starts = tuple(values[:level]) if any(value != 1 for value in values[:level]) else ()
            abstract = self._abstract(numfmt, prefix, level, suffix, starts)
            num = _Num(abstract, levels=len(values))
            num.starts[: len(values)] = values
            self.nums.append(num)
            index = self.current[(numfmt, prefix)] = len(self.nums) - 1
        num.counters[level] = values[level]
        num.counters[level + 1 :] = [None] * (_LEVELS - level - 1)
        return index + 1, level

    def _abstract(
        self, numfmt: str, prefix: str, level: int, suffix: str, starts: tuple[int, ...]
    ) -> int:
        for at, abstract in enumerate(self.abstracts):
            same = (abstract.numfmt, abstract.prefix, abstract.starts) == (numfmt, prefix, starts)
            if same and abstract.fits(level, suffix):
                return at
        self.abstracts.append(_Abstract(numfmt, prefix, {level: suffix}, starts))
        return len(self.abstracts) - 1

    def install(self, word: docx.document.Document) -> None:
        root = word.part.numbering_part.element
        for child in list(root):
            root.remove(child)
        for abstract_id, abstract in enumerate(self.abstracts, start=1):
            levels = "".join(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="{start}"/>'
                f'<w:numFmt w:val="{abstract.numfmt}"/><w:lvlText w:val="{text}"/>'
                '<w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{360 * (level + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
                for level in range(_LEVELS)
                for start in [abstract.starts[level] if level < len(abstract.starts) else 1]
                for text in [_lvl_text(abstract.prefix, abstract.suffixes.get(level, "."), level)]
            )
            root.append(
                parse_xml(
                    f'<w:abstractNum {_W} w:abstractNumId="{abstract_id}">'
                    f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
                )
            )
        for number, num in enumerate(self.nums, start=1):
            overrides = "".join(
                f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                "</w:lvlOverride>"
                for level, start in enumerate(num.starts[: num.levels])
            )
            root.append(
                parse_xml(
                    f'<w:num {_W} w:numId="{number}"><w:abstractNumId '
                    f'w:val="{num.abstract + 1}"/>{overrides}</w:num>'
                )
            )


def _follows(num: _Num, values: list[int]) -> bool:
    """Whether Word's counters of `num` show `values` on its next paragraph at that level."""
    level = len(values) - 1
    counter = num.counters[level]
    shown = [
        (num.counters[at] if num.counters[at] is not None else num.starts[at])
        for at in range(level)
    ]
    shown.append(counter + 1 if counter is not None else num.starts[level])
    return shown == values


def _lvl_text(prefix: str, suffix: str, level: int) -> str:
    return prefix + ".".join(f"%{at}" for at in range(1, level + 2)) + suffix


def _parse_marker(block: Block) -> tuple[tuple[str, str, str], list[int]] | None:
    """The list form (numFmt, text before, text after) and the values of a block's marker,
    None for a bullet or a marker Word cannot count ("đ)", typed by hand)."""
    written = block.written_marker
    if block.style == "number":
        numfmt, form = "decimal", "number"
    elif block.style == "letter":
        numfmt, form = "lowerLetter", "lowerLetter"
    elif block.style == "roman" and block.marker.startswith("Điều"):
        numfmt, form = "decimal", "article"
    elif block.style == "roman" and _ROMAN_LIKE.match(block.marker):
        numfmt, form = "upperRoman", "upperRoman"
    elif block.style == "roman":
        numfmt, form = "upperLetter", "upperLetter"
    else:
        return None
    found = _MARKER_PARTS[form].match(written)
    if found is None:
        return None
    raw = found.group("values")
    if numfmt == "decimal":
        values = [int(value) for value in raw.split(".")]
        if raw.startswith("0") and len(values) == 1:
            numfmt = "decimalZero"  # "06."
    elif numfmt == "upperRoman":
        values = [_roman(raw)]
    else:
        values = [_LETTERS.index(raw.lower()) + 1]
    if any(value < 1 for value in values) or len(values) > _LEVELS:
        return None
    suffix = found.group("suffix")
    return (numfmt, found.group("prefix"), suffix), values


_ROMAN_LIKE = re.compile(r"^[IVX]{1,5}$")


def _roman(text: str) -> int:
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN[char]
        following = _ROMAN[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total
