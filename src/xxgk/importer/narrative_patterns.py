"""What the text of a report says about its tables, as data.

A figure in the text is ``N件``. What it counts is said by the words just before it
(a Term) or, for a few phrasings, just after it (an AfterTerm). Cells are key patterns
(``t3.deny_*.total``) matched against the report's format, so one table serves both
formats (（六）其他处理 is one row in 2019 and three in 2021). Terms joined by 及/和/与/、
(“予以公开及部分公开120件”) state the sum of all their cells. A term with a ``topic``
counts only in a clause about that topic (结果维持 of 行政复议 or of 行政诉讼).

Every regex here is bounded: it looks at a few dozen characters around one figure,
so checking a sentence costs time in proportion to its length.
"""
from __future__ import annotations

from dataclasses import dataclass

REVIEW, SUIT = "复议", "诉讼"


@dataclass(frozen=True)
class Term:
    id: str  # short Chinese name; part of a finding's instance id
    regex: str  # must match at the very end of the words before the figure
    cells: tuple[str, ...]  # key patterns; the figure equals the sum of the matching cells
    what: str  # what the figure is, for the message
    example: str  # a sentence stating 7 of it; checked by the tests
    topic: str = ""  # REVIEW or SUIT: only where the clause speaks of it
    # when the sentence also speaks of ``also_when``, the figure may include these cells too
    # (“共收到申请26件，其中上年结转2件”: 26 may be new + carried); a warning only if it fits neither
    also: tuple[str, ...] = ()
    also_when: str = ""


@dataclass(frozen=True)
class AfterTerm:
    id: str
    regex: str  # must match at the very start of the words after ``N件``
    cells: tuple[str, ...]
    what: str
    example: str


_CLAUSE = r"[^，,。；;：:（）()]"
_APPLICATION = r"(?:政府信息公开|依申请公开|依申请信息公开|信息公开)(?:的)?(?:申请)?"
SUITS = ("t4.direct", "t4.after")


def _suits(column: str) -> tuple[str, ...]:
    return tuple(f"{row}.{column}" for row in SUITS)


TERMS: tuple[Term, ...] = (
    Term("新收申请", rf"(?:收到|受理|新收|接收|接到){_CLAUSE}{{0,12}}?{_APPLICATION}",
         ("t3.new.total",), "本年新收政府信息公开申请", "全年共受理政府信息公开申请7件，均按时答复。",
         also=("t3.carried.total",), also_when="上年度?结转"),
    Term("上年结转", r"上年度?结转(?:的)?(?:申请|政府信息公开申请)?", ("t3.carried.total",), "上年结转申请",
         "答复30件（含上年度结转申请7件）"),
    Term("办结", r"(?<!未)(?:办结|答复|办理完毕)", ("t3.total.total",), "本年度办理结果总计", "本年共答复7件"),
    Term("结转下年", r"结转(?:至|到)?下一?年度?(?:继续办理)?", ("t3.carry_next.total",), "结转下年度继续办理",
         "结转下年度继续办理7件"),
    Term("予以公开", r"(?<!不)予以公开", ("t3.public.total",), "予以公开", "其中予以公开7件"),
    Term("部分公开", r"部分公开", ("t3.partial.total",), "部分公开", "部分公开7件"),
    Term("不予公开", r"不予公开", ("t3.deny_*.total",), "不予公开（各项之和）", "不予公开7件"),
    Term("无法提供", r"无法提供", ("t3.unable_*.total",), "无法提供（各项之和）", "因本机关不掌握等原因无法提供7件"),
    Term("不予处理", r"不予处理", ("t3.reject_*.total",), "不予处理（各项之和）", "属信访、重复申请等不予处理7件"),
    Term("其他处理", r"其他处理", ("t3.other*.total",), "其他处理（各项之和）", "其他处理7件"),
    Term("行政复议", r"行政复议(?:案件|申请)?", ("t4.review.total",), "行政复议总计", "发生政府信息公开行政复议7件"),
    Term("行政诉讼", r"行政诉讼(?:案件)?", _suits("total"), "行政诉讼总计（两类起诉之和）", "被提起行政诉讼7件"),
    Term("复议维持", r"(?:结果)?维持", ("t4.review.upheld",), "行政复议结果维持", "行政复议9件，其中结果维持7件",
         REVIEW),
    Term("复议纠正", r"(?:结果)?(?:被)?纠正", ("t4.review.corrected",), "行政复议结果纠正",
         "行政复议9件，其中结果维持1件，结果纠正7件", REVIEW),
    Term("复议其他", r"其他结果", ("t4.review.other",), "行政复议其他结果", "行政复议9件，其中其他结果7件", REVIEW),
    Term("复议未结", r"尚未审结", ("t4.review.pending",), "行政复议尚未审结", "行政复议9件，其中尚未审结7件", REVIEW),
    Term("诉讼维持", r"(?:结果)?维持", _suits("upheld"), "行政诉讼结果维持", "行政诉讼9件，其中结果维持7件", SUIT),
    Term("诉讼纠正", r"(?:结果)?(?:被)?纠正", _suits("corrected"), "行政诉讼结果纠正", "行政诉讼9件，其中结果纠正7件",
         SUIT),
    Term("诉讼其他", r"其他结果", _suits("other"), "行政诉讼其他结果", "行政诉讼9件，其中其他结果7件", SUIT),
    Term("诉讼未结", r"尚未审结", _suits("pending"), "行政诉讼尚未审结", "行政诉讼9件，其中尚未审结7件", SUIT),
    # format 2021
    Term("制发规章", rf"(?:制发|出台|新增公开){_CLAUSE}{{0,8}}?规章", ("t2.regulation.issued",), "本年制发规章",
         "全年新增公开市政府规章7件"),
    Term("制发规范性文件", r"制发(?:行政)?规范性文件", ("t2.normative.issued",), "本年制发行政规范性文件",
         "本年制发行政规范性文件7件"),
    Term("废止规范性文件", r"废止(?:行政)?规范性文件", ("t2.normative.repealed",), "本年废止行政规范性文件",
         "废止规范性文件7件"),
    # format 2019
    Term("制作规范性文件", r"新?制作(?:行政)?规范性文件", ("t2.normative.made",), "本年新制作规范性文件",
         "本年新制作规范性文件7件"),
)

AFTER_TERMS: tuple[AfterTerm, ...] = (
    AfterTerm("结转下年", r"(?:申请)?(?:结转|顺延)(?:至|到)?下一?年", ("t3.carry_next.total",), "结转下年度继续办理",
              "另有7件顺延到下年度答复"),
    AfterTerm("行政复议", rf"{_CLAUSE}{{0,20}}?提起的?行政复议", ("t4.review.total",), "行政复议总计",
              "收到7件因政府信息公开申请提起的行政复议"),
    AfterTerm("行政诉讼", rf"{_CLAUSE}{{0,20}}?提起的?行政诉讼", _suits("total"), "行政诉讼总计（两类起诉之和）",
              "收到7件因政府信息公开提起的行政诉讼"),
)

# Words that may stand between a term and its figure: 共受理申请共计7件, 不予公开的为7件.
FILLER = r"(?:的)?(?:申请|案件|件数)?(?:数量)?(?:共计|共|合计|总计|计|达到|达|为|是|有|分别为){0,2}"
CONNECTOR = r"(?:及|和|与|、|以及|或)"
TOPICS = ((REVIEW, "复议"), (SUIT, "诉讼"))
