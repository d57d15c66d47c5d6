"""Word's automatic numbering, rendered: in an agency's DOCX the "1.", "a)" and "II." of its
items are not in the text but in numbering.xml, counted as Word counts them. Understanding
needs them (a "1." item and an "a)" item nest differently), so the DOCX reader writes each
paragraph's marker in front of its text.

The model, as Word and LibreOffice count: a paragraph's numPr (or its style's) names a list
instance (w:num) and a level; the instance points at an abstract list whose levels hold the
start value, number format, text ("%1.%2.") and when a level restarts. Instances of one abstract
list share its counters unless they override a start value (Word's "restart numbering")."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LEVELS = 9
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
# a bullet drawn from a symbol font (Symbol, Wingdings) is a private-use character: shown as
# the bullet it looks like; Courier New's "o" is the hollow one
_BULLETS = {"o": "◦", "§": "▪", "Ø": "➢", "ü": "✓"}


@dataclass(frozen=True)
class Level:
    start: int = 1
    numfmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 never
    legal: bool = False  # w:isLgl: the levels above shown as decimal numbers
    suffix: str = "tab"  # w:suff: tab, space or nothing between the number and the text


@dataclass
class _Instance:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)


@dataclass
class Numbering:
    """numbering.xml read, and the counters of the paragraphs numbered so far."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    instances: dict[str, _Instance] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def read(cls, root: etree._Element | None) -> Numbering:
        numbering = cls()
        if root is None:
            return numbering
        links: dict[str, str] = {}  # an abstract list defined by a numbering style's list
        for abstract in root.iterchildren(f"{W}abstractNum"):
            key = abstract.get(f"{W}abstractNumId", "")
            numbering.abstracts[key] = {
                level: definition
                for level, definition in map(_level, abstract.iterchildren(f"{W}lvl"))
            }
            link = abstract.find(f"{W}numStyleLink")
            if link is not None:
                links[key] = link.get(f"{W}val", "")
        for num in root.iterchildren(f"{W}num"):
            abstract_id = num.find(f"{W}abstractNumId")
            if abstract_id is None:
                continue
            instance = _Instance(abstract_id.get(f"{W}val", ""))
            for override in num.iterchildren(f"{W}lvlOverride"):
                level = _int(override.get(f"{W}ilvl"), 0)
                start = override.find(f"{W}startOverride")
                if start is not None:
                    instance.starts[level] = _int(start.get(f"{W}val"), 1)
                redefined = override.find(f"{W}lvl")
                if redefined is not None:
                    instance.levels[level] = _level(redefined)[1]
            numbering.instances[num.get(f"{W}numId", "")] = instance
        numbering._follow_style_links(links)
        return numbering

    def _follow_style_links(self, links: dict[str, str]) -> None:
        """An abstract list that only says "as the list of style X" takes that list's levels
        (the style's own abstract list is the one that defines levels under the same name)."""
        styled = {
            style: key
            for key, style in links.items()
            if self.abstracts.get(key)  # a linking list has no levels of its own
        }
        for key, style in links.items():
            if not self.abstracts.get(key) and style in styled:
                self.abstracts[key] = self.abstracts[styled[style]]

    def render(self, num_id: str, ilvl: int) -> str | None:
        """The marker of the next paragraph in list `num_id` at level `ilvl` ("2.", "b)",
        "•"), counting it; None when the list is unknown or switched off (numId 0)."""
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        levels = self._levels(instance)
        ilvl = min(max(ilvl, 0), LEVELS - 1)
        level = levels.get(ilvl, Level())
        # instances overriding a start count on their own; the others share the abstract's
        key = f"num:{num_id}" if instance.starts else f"abstract:{instance.abstract}"
        counters = self.counters.setdefault(key, [None] * LEVELS)
        starts = {at: instance.starts.get(at, levels.get(at, Level()).start) for at in levels}
        current = counters[ilvl]
        counters[ilvl] = current + 1 if current is not None else starts.get(ilvl, 1)
        for deeper in range(ilvl + 1, LEVELS):
            restart = levels.get(deeper, Level()).restart
            if restart is None or ilvl < restart:
                counters[deeper] = None
        if level.numfmt == "bullet":
            return _bullet(level.text)
        if level.numfmt == "none":
            return level.text if "%" not in level.text else ""
        return self._text(level, levels, counters, starts)

    def _levels(self, instance: _Instance) -> dict[int, Level]:
        levels = self.abstracts.get(instance.abstract, {})
        return {**levels, **instance.levels} if instance.levels else levels

    @staticmethod
    def _text(
        level: Level,
        levels: dict[int, Level],
        counters: list[int | None],
        starts: dict[int, int],
    ) -> str:
        out = []
        text = level.text
        index = 0
        while index < len(text):
            char = text[index]
            following = text[index + 1] if index + 1 < len(text) else ""
            if char == "%" and following.isdigit() and following != "0":
                at = int(following) - 1
                value = counters[at]
                value = value if value is not None else starts.get(at, 1)
                numfmt = levels.get(at, Level()).numfmt
                decimal = level.legal and numfmt not in {"bullet", "none"}
                out.append(format_number(value, "decimal" if decimal else numfmt))
                index += 2
                continue
            out.append(char)
            index += 1
        return "".join(out)


def _bullet(text: str) -> str:
    if not text or any("\uf000" <= char <= "\uf0ff" for char in text):
        return "•"  # a symbol font's private-use character
    if text in _BULLETS:
        return _BULLETS[text]
    if len(text) == 1 and text.isascii() and text.isalpha():
        return "•"  # a Wingdings letter ("l" is its round bullet), as LibreOffice writes it
    return text


def format_number(value: int, numfmt: str) -> str:
    """`value` as Word writes it in format `numfmt`; formats dondoc has no use for (Chinese
    counting, ordinals in words) as decimal numbers."""
    if numfmt in {"lowerLetter", "upperLetter"} and value > 0:
        # Word repeats the letter after z: 27 is "aa", 53 is "aaa"
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26] * ((value - 1) // 26 + 1)
        return letter if numfmt == "lowerLetter" else letter.upper()
    if numfmt in {"lowerRoman", "upperRoman"} and 0 < value < 4000:
        roman = _roman(value)
        return roman if numfmt == "lowerRoman" else roman.upper()
    if numfmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    out = []
    for amount, letters in _ROMAN:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out)


def _level(element: etree._Element) -> tuple[int, Level]:
    def value(tag: str) -> str | None:
        found = element.find(f"{W}{tag}")
        return None if found is None else found.get(f"{W}val")

    restart = value("lvlRestart")
    legal = element.find(f"{W}isLgl")
    return _int(element.get(f"{W}ilvl"), 0), Level(
        start=_int(value("start"), 1),
        numfmt=value("numFmt") or "decimal",
        text=value("lvlText") or "",
        restart=None if restart is None else _int(restart, 0),
        legal=legal is not None and legal.get(f"{W}val", "1") not in {"0", "false", "off"},
        suffix=value("suff") or "tab",
    )


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
