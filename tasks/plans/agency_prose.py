"""Where a cell stops naming agencies and runs on into prose.

Label values and "X chủ trì, phối hợp với Y …" sentences go on after the names: "Sở Nội vụ
chủ trì tham mưu UBND tỉnh …", "các sở, ngành có liên quan theo chức năng, nhiệm vụ". Prose
starts at a lower-case verb (the rest of the clause is prose) or at an adverbial (prose until
the next agency), unless the verb qualifies a noun inside a name ("Hội đồng thẩm định")."""

from __future__ import annotations

import re

# Lower case only, so "Sở Xây dựng" or "Ban Chỉ đạo" never match.
_VERBS = (
    "chủ trì",
    "phối hợp",
    "tham mưu",
    "thực hiện",
    "tiến hành",
    "rà soát",
    "triển khai",
    "chủ động",
    "khẩn trương",
    "kịp thời",
    "tiếp tục",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "nghiên cứu",
    "đăng tải",
    "hướng dẫn",
    "ban hành",
    "báo cáo",
    "tổng hợp",
    "tổng kết",
    "đề xuất",
    "đôn đốc",
    "theo dõi",
    "gửi",
    "trình",
    "xây dựng",
    "tăng cường",
    "tập trung",
    "xử lý",
    "cập nhật",
    "thẩm định",
    "xác minh",
    "kiểm tra",
    "giám sát",
    "tuyên truyền",
    "phổ biến",
    "quán triệt",
    "bảo đảm",
    "đảm bảo",
    "đẩy mạnh",
    "nâng cao",
    "hoàn thành",
    "hoàn thiện",
    "bố trí",
    "cung cấp",
    "chuẩn bị",
    "tiếp nhận",
    "giải quyết",
    "hỗ trợ",
    "khảo sát",
    "đánh giá",
    "xem xét",
    "phê duyệt",
    "công bố",
    "để",
    "nhằm",
)
_ADVERBIALS = (
    *("theo", "trong phạm vi", "thuộc phạm vi", "căn cứ"),
    *("trong việc", "trong công tác", "trong quá trình"),
)


def _alternatives(phrases: tuple[str, ...]) -> str:
    return "|".join(phrase.replace(" ", r"\s+") for phrase in phrases)


_PROSE = re.compile(
    rf"\b(?:(?P<verb>{_alternatives(_VERBS)})|(?P<adverb>{_alternatives(_ADVERBIALS)}))\b"
)
# Nouns a verb can qualify inside a name ("viện nghiên cứu", "Hội đồng thẩm định", "đơn vị
# thực hiện"), and the words "trình" ends without being the verb "present to" ("chương trình").
_NOUN_BEFORE_VERB = frozenset(
    (
        *("trung tâm", "hội đồng", "ủy ban", "cơ sở", "bộ phận", "đơn vị", "cơ quan"),
        *("lực lượng", "đầu tư"),
    )
)
# One-syllable nouns do so only as the head of their piece ("Đoàn kiểm tra", "các viện nghiên
# cứu"); elsewhere they end a compound ("Bộ Quốc phòng chủ trì", "Môi trường rà soát").
_HEAD_NOUN_BEFORE_VERB = frozenset(("viện", "trường", "phòng", "ban", "tổ", "nhóm", "đoàn", "đội"))
_NOT_VERB_TRINH = frozenset(("chương", "quy", "công", "lộ", "tờ", "hành", "tiến", "giáo"))
# "tổ chức" before a verb is the verb "organise", not the noun "organisation".
_ORGANISE = re.compile(r"(?<=\S)\s+tổ\s+chức$")


def cut_prose(piece: str) -> tuple[str, str | None]:
    """The piece up to where prose starts, and which kind of prose ("verb", "adverb") if any.
    A verb right after a noun it qualifies is part of a name, and so are the verbs that follow
    it ("Hội đồng phối hợp phổ biến, giáo dục pháp luật")."""
    named_until = -1
    for found in _PROSE.finditer(piece):
        before = piece[max(0, found.start() - 30) : found.start()].split()
        last, two = " ".join(before[-1:]).casefold(), " ".join(before[-2:]).casefold()
        head_noun = last in _HEAD_NOUN_BEFORE_VERB and (
            len(before) == 1 or before[-2].casefold() in ("các", "những")
        )
        qualifies = two in _NOUN_BEFORE_VERB or head_noun
        trinh = found.group().startswith("trình") and last in _NOT_VERB_TRINH
        follows_name = named_until >= 0 and not piece[named_until : found.start()].strip()
        if qualifies or trinh or follows_name:
            named_until = found.end()
            continue
        kept = _ORGANISE.sub("", piece[: found.start()].rstrip())
        return kept, "verb" if found.group("verb") else "adverb"
    return piece, None
