"""Who does what, read from a sentence: "Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp và các
sở, ngành thực hiện; thời gian: quý III/2025". Subjects are the text before the first verb of
each clause; partners follow "phối hợp với"; a glued "thời gian: …" is the timeframe."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.plans.agency_names import starts_like_agency

# "tổ chức" is also the noun of lists of bodies ("các cơ quan, tổ chức có liên quan", "ngành,
# tổ chức, cá nhân", "tổ chức và cá nhân") and of set phrases ("tổ chức chính trị - xã hội");
# the verb "organise" has its object after it
_ORGANISE = (
    r"tổ chức(?!\s*[,;.]|\s*$|\s+(?:và|hoặc)\s+(?:cá nhân|đơn vị|doanh nghiệp)"
    r"|\s+(?:chính trị|xã hội|đoàn thể|có liên quan|liên quan|khác)\b)"
)
_VERBS = (
    rf"chủ trì|chủ động|phối hợp|{_ORGANISE}|tiến hành|thực hiện|tham mưu|triển khai|rà soát|"
    r"có trách nhiệm|chịu trách nhiệm|xây dựng|hướng dẫn|theo dõi|đôn đốc|kiểm tra|báo cáo|"
    r"tổng hợp|nghiên cứu|đề xuất|ban hành|trình|cập nhật|tuyên truyền|bố trí|bảo đảm|đảm bảo|"
    r"căn cứ|lập|gửi|tập trung|tiếp tục|thường xuyên|là cơ quan|là đầu mối|làm đầu mối|"
    r"giúp|chỉ đạo|quản lý|phổ biến|hoàn thành|cung cấp|sửa đổi|thành lập|thúc đẩy|công bố|"
    r"vận động|khuyến khích|hỗ trợ|phát động|duy trì|nâng cao|đẩy mạnh|tăng cường|"
    r"đăng tải|phát hành|phát sóng|biên soạn|chuẩn bị|lồng ghép|chia sẻ|thu thập|tiếp nhận|"
    r"kiểm soát|giám sát|vận hành|ứng dụng|đào tạo|bồi dưỡng|tập huấn|đánh giá|sơ kết|tổng kết|"
    r"xử lý|khắc phục|thẩm định|chịu|được giao|có nhiệm vụ"
)
# Verbs are lower case inside a sentence; agency names capitalise the same words ("Phòng Quản
# lý Công nghiệp", "Ban Chỉ đạo"), so only a clause's first word is matched in any case.
FIRST_VERB = re.compile(rf"(?:^(?i:{_VERBS})|(?<=[\s,(])(?<!các )(?<!những )(?:{_VERBS}))\b")
# "quy chế phối hợp với …" names a regulation between bodies, not the task's partners
# The partners end on a non-space before a verb, "để", "nhằm", "trong" or a stop: tried only
# after a non-space, each run of spaces is crossed once (from every space of a long run the
# end was looked for again: quadratic, 100 s for 10,000 spaces in one sentence).
_PARTNERS = re.compile(
    r"(?<!quy chế )(?<!cơ chế )\bphối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+(?P<who>.*?\S)"
    rf"(?=\s++(?:{_VERBS}|để|nhằm|trong việc|trong)\b|\s*+[;.()]|\s*+$)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?:^|[;.,(]\s*|\s)(?:thời gian(?: thực hiện| hoàn thành)?|thời hạn(?: hoàn thành)?"
    r"|tiến độ(?: thực hiện)?)\s*:\s*(?P<when>[^;()]+)",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"(?:thời gian(?: thực hiện| hoàn thành)?\s*:?\s*|hoàn thành\s+|xong\s+)"
    r"(?P<when>(?:trong|trước|chậm nhất|vào|từ|trước ngày|năm|quý|tháng)[^;()]*?)(?=[.;()]|$)",
    re.IGNORECASE,
)
# a deadline anywhere in a sentence, when it is introduced as one and names a date or period
_DATED = re.compile(
    r"(?<![\w/])(?P<when>(?:trước|chậm nhất(?: là)?|đến|hạn chót|(?:ngay\s+)?trong)\s+(?:"
    r"ngày\s+\d{1,2}(?:/\d{1,2}(?:/\d{4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
    r"|tháng\s+\d{1,2}(?:/\d{4}|\s+năm\s+\d{4})?"
    r"|quý\s+[IVX\d]{1,4}(?:/\d{4}|\s+năm\s+\d{4})?"
    r"|năm\s+\d{4}))",
    re.IGNORECASE,
)
_RECURS = re.compile(
    r"(?i)^(?:tiếp tục\s+)?(?P<when>thường xuyên|định kỳ\s+h[ằà]ng\s+(?:năm|quý|tháng|tuần)"
    r"|h[ằà]ng\s+(?:năm|quý|tháng|tuần))\b"
)
_HORIZON = re.compile(r"(?i)^(?:đến|trước|chậm nhất(?: là)?|hạn chót)\s+năm\b")
# from the first space of a run only, its spaces taken whole: tried from every space of a run
# of 10,000, the split took 10 s
_CITATION = re.compile(
    r"(?<!\s)\s++(?:và\s++)?(?:theo\s++)?(?:Thông tư|Nghị định|Quyết định|Luật|Nghị quyết)\b"
)
_PARTNER_WORDS = (
    "các ",
    "lực lượng",
    "cơ quan",
    "đơn vị",
    "địa phương",
    "sở",
    "ban",
    "ngành",
    "ubnd",
    "ủy ban",
    "chính quyền",
    "tổ chức",
    "doanh nghiệp",
    "hội",
    "đoàn",
)
_GIAO = re.compile(r"^(?:giao|đề nghị|yêu cầu|trong đó giao)\s+", re.IGNORECASE)


@dataclass
class Roles:
    leads: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    timeframe: str | None = None


def read_roles(text: str) -> Roles:
    """Subjects (leads), partners and a glued timeframe from one value or sentence."""
    roles = Roles()
    if found := _TIME.search(text):
        roles.timeframe = found["when"].strip(" .;")
        text = text[: found.start()] + text[found.end() :]
    partners_open = False
    for clause in re.split(r";\s*", text):
        clause = _GIAO.sub("", clause.strip(" .,"))
        if not clause:
            continue
        verb = FIRST_VERB.search(clause)
        subject = clause[: verb.start()] if verb else clause
        subject = subject.strip(" ,.:(")
        if partners_open and _names_partners(subject):
            # "phối hợp với Văn phòng; Sở Tư pháp và các cơ quan tham mưu": the partner list
            # ran to the ";" with no task of its own, so the names after it go on with it
            roles.partners.append(subject)
        elif subject:
            roles.leads.append(subject)
        partners_open = False
        for partner in _PARTNERS.finditer(clause):
            who = _CITATION.split(partner["who"])[0].strip(" ,.")
            if _names_partners(who):
                roles.partners.append(who)
                partners_open = partner.end() == len(clause)
    return roles


def _names_partners(text: str) -> bool:
    """ "phối hợp với các sở, ngành" names partners; "phối hợp hiệu quả giữa …" does not."""
    return starts_like_agency(text) or text.casefold().startswith(_PARTNER_WORDS)


def glued_timeframe(value: str) -> tuple[str, str | None]:
    """An agency value with a timeframe label glued on: ("Sở Y tế", "Quý IV/2025")."""
    found = _TIME.search(value)
    if not found or found.start() == 0:
        return value, None
    return value[: found.start()].strip(" ,.;"), found["when"].strip(" .;")


def time_phrase(text: str) -> str | None:
    """The deadline a sentence states: "… hoàn thành trong quý IV/2025", "… trước ngày 15/12",
    "… gửi về Bộ Công an trước ngày 15 tháng 12 năm 2025"."""
    if found := _WHEN.search(text):
        return found["when"].strip(" ,.")
    if found := _RECURS.match(text):  # "Thường xuyên tổ chức …", "Hằng năm, tổng hợp …"
        return found["when"]
    for dated in _DATED.finditer(text):
        if not _HORIZON.match(dated["when"]):  # "đến năm 2030" is a horizon, not a deadline
            return dated["when"].strip(" ,.")
    return None
