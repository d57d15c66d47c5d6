"""Split a "Cơ quan chủ trì" / "Cơ quan phối hợp" value into agency names, as written.

Commas and "và" both separate agencies and occur inside them ("Sở Văn hóa, Thể thao và Du
lịch", "UBND các xã, phường", "Các sở, ban, ngành"), so a separator only splits where the piece
after it opens an agency or a group of its own (agency_words says what a piece is). Real cells
also wrap lines in the middle of a name, miss a comma ("Sở Tài chính Sở Nội vụ") and run on
into prose ("Sở Nội vụ chủ trì tham mưu …; Sở Tư pháp …"): wrapped lines are rejoined, prose is
cut off (agency_prose), and a known directory name always stays one entry. One pass, linear in the
length of the cell, and no input makes it raise."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from dondoc.core.text import clean_name, normalize_name, normalize_text
from tasks.plans.agency_prose import cut_prose
from tasks.plans.agency_words import (
    LINKERS,
    STRONG_HEADS,
    Piece,
    classify,
    is_acronym,
    is_bare_class,
    is_bare_place,
    is_head_only,
    leading,
    opens_agency,
    peoples_committee_of_places,
)

_BULLET = re.compile(r"^[-+•*–]\s+")
# Separators inside one clause; ";" and sentence ends split clauses before these apply.
_SEPARATOR = re.compile(r"(\s*,\s*(?:và\s+)?|\s+(?:và|&)\s+|\s*\n\s*)")
_COMMA = re.compile(r"\s*,")
_LINE_PIECES = re.compile(r"[,;]|\s(?:và|&)\s")
_PRIVATE_MARKS = dict.fromkeys(range(0xE000, 0xE003))  # the marks this module writes itself
# Words before the agency that belong to the sentence, not to the name: "Giao Công an tỉnh …".
_LEAD_IN = re.compile(r"^(?:giao|đề nghị)\s+(?=\S)", re.IGNORECASE)
# A field label: one at the start is dropped, a later one starts another field's value
# ("Phòng A; Đơn vị phối hợp: Phòng B" leads with Phòng A only).
_LABEL = re.compile(
    r"\b(?:(?:cơ quan|đơn vị)\s+)?(?:chủ trì|phối hợp|thực hiện)(?:\s+thực hiện)?\s*:",
    re.IGNORECASE,
)
# Parentheticals that say the agency's role, not its name: "(chủ trì)".
_ROLE_NOTE = re.compile(r"^\((?:đồng\s+)?(?:chủ trì|phối hợp|thực hiện|tham mưu)\W*\)$", re.I)
_NAME_TAIL = " .;,:-–"  # what clean_name strips from a name's end
_TRAILING_LEFTOVER = re.compile(r"(?:\s+(?:thực hiện|tham mưu|chủ trì|phối hợp))+$", re.I)
# "Văn phòng HĐND & UBND huyện" is one office serving two bodies: "UBND …" after it does
# not start a new agency.
_JOINT_OFFICE = re.compile(r"(?i)^văn phòng\b.*\b(?:hđnd|hội đồng nhân dân|đoàn đbqh)$")
_MASK_OPEN, _MASK_CLOSE = "\ue000", "\ue001"
_MASK = re.compile(f"{_MASK_OPEN}(\\d+){_MASK_CLOSE}")
# Commas that belong to a set phrase, not to a list: "Ban Chỉ huy Phòng, chống thiên tai".
_SET_PHRASE_COMMA = re.compile(r"(?<=\bphòng),(?=\s*chống\b)", re.IGNORECASE)
_KEPT_COMMA = "\ue002"
_APPOSITIVE_CLASSES = {normalize_name(word) for word in ("lực lượng", "cơ quan")}


@dataclass
class _Entry:
    """One agency or group being read: `group` lists take further class nouns ("…, ban,
    ngành"); `open` while the last piece is a bare class noun, so "UBND xã, …" can still join."""

    text: str
    group: bool
    open: bool


def starts_like_agency(text: str) -> bool:
    """True when `text` opens with an agency head word (or "các" and a group) and more name."""
    return opens_agency(_BULLET.sub("", clean_name(text)))


_SPACE_RUN = re.compile(r"[ \t]{2,}")
# Clause ends: ";", a full stop before the next word, or a numbered line ("1. …", "2) …").
_CLAUSE_END = re.compile(r";|\.(?=\s+(?P<next>\S))|(?P<numbered>(?:^|\n)\s*\d{1,2}[.)]\s+)")
_NUMBERED = "numbered"


def split_agencies(cell: str, known: Iterable[str] = ()) -> list[str]:
    """Agency or group names in one cell or label value, each as written (cleaned)."""
    return list(_split(cell, tuple(known)))


@lru_cache(maxsize=4096)
def _split(cell: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """split_agencies, once per cell and directory: a plan names the same lead cell item after
    item ("UBND các xã, thị trấn"), and a fuzzed one 5,000 times."""
    # runs of spaces collapsed first: patterns with "\s*" around separators rescan a long run
    # from every position in it (20,000 spaces in one value took 2 s, quadratic)
    text = _SPACE_RUN.sub(" ", normalize_text(cell or ""))
    text = _own_field(text.translate(_PRIVATE_MARKS))
    text = _SET_PHRASE_COMMA.sub(_KEPT_COMMA, text)
    text, notes = _mask_parentheses(_join_wrapped_lines(text))
    known_keys, longest_known = _known_index(known)
    names: list[str] = []
    in_prose = False
    for boundary, clause in _clauses(text):
        if in_prose and boundary == ".":
            break  # a new sentence after prose is more prose
        if boundary == _NUMBERED:
            in_prose = False  # each numbered part opens with its own agency
        clause = clause.strip()
        if (lead_in := _LEAD_IN.match(clause)) and opens_agency(clause[lead_in.end() :]):
            clause = clause[lead_in.end() :]
        if in_prose and not _opens_clause(clause):
            continue
        known_run = _KnownRuns(known_keys, longest_known, notes)
        entries, cut = _read_clause(clause, known_run)
        names += [entry.text for entry in entries]
        in_prose = in_prose or cut
    return tuple(_unique(_finish(name, notes) for name in names))


@lru_cache(maxsize=16)
def _known_index(known: tuple[str, ...]) -> tuple[frozenset[str], int]:
    """The directory's names as keys, and the most pieces one can span: worked out once per
    directory, not once per cell (a plan of 5,000 items re-normalised 159 names 5,000 times)."""
    keys = frozenset(normalize_name(name) for name in known if name and name.strip())
    # a known name spans at most its own pieces, and two more where the cell splits it further
    longest = max((len(_SEPARATOR.split(key)) // 2 + 3 for key in keys), default=0)
    return keys, longest


def _own_field(text: str) -> str:
    """The text without a leading field label, up to the next label if another follows."""
    found = _LABEL.search(text)
    if found and not text[: found.start()].strip(" -+•*\n"):
        text = text[found.end() :]
        found = _LABEL.search(text)
    return text[: found.start()] if found else text


def _join_wrapped_lines(text: str) -> str:
    """Bullets off, and a line break that falls inside a name turned into a space: before a
    lower-case word, after a linking word or a bare head word ("Bộ\\nTư pháp"). A break before
    an upper-case word or "các" after a whole name stays, as a separator."""
    out: list[str] = []
    tail: list[str] = []  # the first words of the piece the text so far ends with
    for line in (_BULLET.sub("", line.strip()) for line in text.split("\n")):
        if not line:
            continue
        soft = bool(out) and _continues(tail, out[-1], line)
        out.append(f" {line}" if soft else f"\n{line}" if out else line)
        pieces = _LINE_PIECES.split(line)
        words = pieces[-1].split()
        tail = (tail + words if soft and len(pieces) == 1 else words)[:6]
    return "".join(out)


def _continues(tail: list[str], before: str, line: str) -> bool:
    last = before.split()[-1].casefold() if before.split() else ""
    if not tail or before.rstrip()[-1:] in ",;":
        return False
    if line[:1].isupper() or line[:1].isdigit():
        return last in LINKERS or is_head_only(" ".join(tail))
    first = line.split()[0].casefold()
    starts_group = first in ("các", "những") and len(line.split()) > 1
    whole_name = classify(" ".join(tail)) is Piece.NAMED and not is_head_only(" ".join(tail))
    return not (starts_group and last not in LINKERS and whole_name)


def _mask_parentheses(text: str) -> tuple[str, list[str]]:
    """Top-level parentheticals replaced by numbered marks so no separator inside them splits;
    role notes such as "(chủ trì)" dropped. One pass over the text."""
    out: list[str] = []
    notes: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                note = text[start : index + 1]
                if not _ROLE_NOTE.match(" ".join(note.split())):
                    out.append(f"{_MASK_OPEN}{len(notes)}{_MASK_CLOSE}")
                    notes.append(note)
        elif depth == 0:
            out.append(char)
    if depth:
        out.append(text[start:])  # an unclosed "(" is left as written
    return "".join(out), notes


def _clauses(text: str) -> Iterator[tuple[str, str]]:
    """Clauses split at ";", at sentence ends (". " before an upper-case letter, after a
    lower-case one, so "TP. Hồ Chí Minh" stays) and before a numbered line ("2. Bộ Tư pháp
    …", a cell that lists its agencies' parts), each with the boundary before it."""
    boundary, start = "", 0
    for found in _CLAUSE_END.finditer(text):
        at, mark = found.start(), found.group()
        if found["numbered"]:
            mark = _NUMBERED
        elif mark == "." and not (text[at - 1 : at].islower() and found["next"].isupper()):
            continue
        yield boundary, text[start:at]
        boundary, start = mark, found.end()
    yield boundary, text[start:]


def _opens_clause(clause: str) -> bool:
    first = _SEPARATOR.split(clause, maxsplit=1)[0]
    return classify(first) in (Piece.NAMED, Piece.GROUP, Piece.CLASS)


def _read_clause(clause: str, known: _KnownRuns) -> tuple[list[_Entry], bool]:
    """The entries of one clause, and whether prose was cut off in it. After an adverbial
    ("theo chức năng, nhiệm vụ") pieces are skipped until one opens an agency; after a verb the
    rest of the clause is prose."""
    pieces, separators = _pieces(clause)
    bare_places_after = _bare_places_after(pieces)
    entries: list[_Entry] = []
    skipping = cut = False
    index = 0
    while index < len(pieces):
        end = known.end(pieces, separators, index)
        if end is not None:
            entries.append(_Entry(_join(pieces, separators, index, end), group=False, open=False))
            skipping, index = False, end + 1
            continue
        piece, prose = cut_prose(pieces[index])
        kind = classify(piece)
        if not skipping or kind in (Piece.NAMED, Piece.GROUP):
            separator = separators[index - 1] if index and not skipping else ""
            _add(entries, piece, kind, separator, bare_places_after[index])
            skipping = False
        if prose == "verb":
            return entries, True
        if prose:
            skipping = cut = True
        index += 1
    return entries, cut


def _pieces(clause: str) -> tuple[list[str], list[str]]:
    """The clause cut at its separators (and at missing commas), with the separators between."""
    atoms = _SEPARATOR.split(clause)
    pieces: list[str] = []
    separators: list[str] = []
    for index, atom in enumerate(atoms[0::2]):
        for number, part in enumerate(_split_missing_commas(atom.strip())):
            if pieces:
                separators.append(atoms[2 * index - 1] if number == 0 else " ")
            pieces.append(part)
    return pieces, separators


def _bare_places_after(pieces: list[str]) -> list[bool]:
    """For each piece, whether the places listed right after it are bare place words: "UBND
    xã, phường, đặc khu" is a list one determiner can cover, "UBND tỉnh, thành phố trực thuộc
    trung ương" a name of its own."""
    out = [True] * len(pieces)
    bare = True
    for index in range(len(pieces) - 1, -1, -1):
        out[index] = bare
        if classify(pieces[index]) is Piece.PLACE:
            bare = bare and is_bare_place(pieces[index])
        else:
            bare = True
    return out


def _add(
    entries: list[_Entry], piece: str, kind: Piece, separator: str, bare_places_after: bool
) -> None:
    """Continue the last entry with `piece` or start a new one; no separator: a new one."""
    if not piece:
        return
    bare = is_bare_class(piece)
    current = entries[-1] if entries and separator else None
    if current is not None and _joins(current, piece, kind, separator, bare_places_after):
        current.text += separator + piece
        current.open = bare and kind in (Piece.CLASS, Piece.GROUP)
    else:
        group = kind is Piece.GROUP or (kind is Piece.CLASS and bare)
        entries.append(_Entry(piece, group=group, open=bare))


def _joins(
    current: _Entry, piece: str, kind: Piece, separator: str, bare_places_after: bool
) -> bool:
    """Whether `piece` continues the entry before it rather than starting a new one."""
    if kind in (Piece.OTHER, Piece.PLACE):
        return True
    if kind is Piece.GROUP:
        return False
    if kind is Piece.NAMED:
        if is_acronym(piece) and not separator.strip():
            return True  # "… các tổ chức" / "PCPNN": initials wrapped onto the next line
        if _JOINT_OFFICE.match(clean_name(current.text)):
            return normalize_name(piece).startswith(("ubnd", "hđnd", "hội đồng nhân dân"))
        under_determiner = current.group and current.open and bool(_COMMA.match(separator))
        committees = peoples_committee_of_places(piece) and bare_places_after
        return under_determiner and committees
    if normalize_name(piece) in ("sở", "bộ"):
        return False  # "Doanh nghiệp, Sở, ban, ngành": a new "sở, ban, ngành" list
    return current.group


def _split_missing_commas(piece: str) -> list[str]:
    """ "Sở Tài chính Sở Nội vụ" is two agencies: split before an upper-case strong head word
    ("Sở", "Bộ", "UBND", "Công an") that follows a complete name and no linking word."""
    words = piece.split()
    if len(words) < 3:
        return [piece]
    parts: list[str] = []
    start = 0
    for at in range(2, len(words)):
        if at - start < 2 or not words[at][:1].isupper():
            continue
        head = leading(words[at : at + 5], STRONG_HEADS)
        if not head or at + head >= len(words) or words[at - 1].casefold() in LINKERS:
            continue
        if normalize_name(words[at]) in ("sở", "bộ") and not words[at + 1][:1].isupper():
            continue  # "Sở" + a lower-case word is not a name ("UBND" + any word is)
        if _complete_before(words[start : min(at, start + 6)], at - start):
            parts.append(" ".join(words[start:at]))
            start = at
    parts.append(" ".join(words[start:]))
    return parts


def _complete_before(first_words: list[str], length: int) -> bool:
    """Whether a name of `length` words opening with `first_words` (six are enough for
    classify) is complete: a strong-headed agency with its name, or a class or group."""
    if length == 2 and normalize_name(" ".join(first_words)) in _APPOSITIVE_CLASSES:
        return False  # "lực lượng Công an thành phố": the kind of body the name says, not one
    kind = classify(" ".join(first_words))
    if kind is Piece.NAMED:
        head = leading(first_words[:5], STRONG_HEADS)
        return bool(head) and length > head
    return kind in (Piece.CLASS, Piece.GROUP)


@dataclass
class _KnownRuns:
    """Directory names (normalize_name keys) the pieces of a clause may spell."""

    keys: frozenset[str]
    longest: int  # the most pieces one known name can span
    notes: list[str]  # the parentheticals masked in the clause

    def end(self, pieces: list[str], separators: list[str], start: int) -> int | None:
        """The last piece of the longest run from `start` that spells a known name."""
        if not self.keys:
            return None
        for end in range(min(len(pieces), start + self.longest) - 1, start - 1, -1):
            text = _unmask(_join(pieces, separators, start, end), self.notes)
            if normalize_name(text) in self.keys:
                return end
        return None


def _join(pieces: list[str], separators: list[str], start: int, end: int) -> str:
    text = pieces[start]
    for index in range(start + 1, end + 1):
        text += separators[index - 1] + pieces[index]
    return text


def _finish(name: str, notes: list[str]) -> str:
    """The entry as written: parentheticals back, leftovers ("thực hiện", a stray ")") off."""
    name = clean_name(_unmask(_TRAILING_LEFTOVER.sub("", clean_name(name)), notes))
    stray = name.count(")") - name.count("(")
    end = len(name)
    # one backward pass: cleaning the whole name again for every stray ")" was quadratic
    while stray > 0 and end and name[end - 1] == ")":
        end, stray = end - 1, stray - 1
        while end and (name[end - 1].isspace() or name[end - 1] in _NAME_TAIL):
            end -= 1
    return clean_name(name[:end]) if end < len(name) else name


def _unmask(text: str, notes: list[str]) -> str:
    text = _MASK.sub(lambda found: notes[int(found.group(1))], text)
    return text.replace(_KEPT_COMMA, ",")


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = normalize_name(name)
        if key and key not in seen and any(char.isalnum() for char in name):
            seen.add(key)
            out.append(name)
    return out
