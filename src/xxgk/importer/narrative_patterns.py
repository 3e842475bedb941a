"""What the text of a report says about its tables, as data.

Each pattern finds a figure in one sentence (spaces removed) and names the
cells whose sum the figure states. A pattern whose cells are not all in the
report's format is skipped, so one table serves both formats.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigurePattern:
    id: str  # short Chinese name; part of the finding's instance id
    regex: str  # with one group named n: the figure
    cells: tuple[str, ...]  # the figure equals the sum of these cells
    what: str  # what the figure is, for the message
    example: str  # a sentence (spaces removed) it must find 7 in; checked by the tests


@dataclass(frozen=True)
class YearPattern:
    id: str
    regex: str  # with one group named y: a four-digit year
    what: str


_NUM = r"(?P<n>\d+)件"
_ONE_CLAUSE = r"[^，,。；;]"  # stays inside one clause
_REVIEW = r"行政复议(?:(?!行政诉讼)[^。；;])*?"  # after 行政复议, before any 行政诉讼
_SUIT = r"行政诉讼(?:(?!行政复议)[^。；;])*?"
_SUITS = ("t4.direct", "t4.after")


def _suit(column: str) -> tuple[str, ...]:
    return tuple(f"{row}.{column}" for row in _SUITS)


_DENY_ROWS = ("secret", "law", "safety", "third_party", "internal", "process", "enforcement", "query")

FIGURE_PATTERNS: tuple[FigurePattern, ...] = (
    FigurePattern(
        "新收申请",
        rf"(?:收到|受理|新收){_ONE_CLAUSE}{{0,12}}?(?:政府信息公开申请|依申请公开申请|依申请公开)(?:共计|共)?{_NUM}",
        ("t3.new.total",), "本年新收政府信息公开申请", "全年共受理政府信息公开申请7件，均按时答复。",
    ),
    FigurePattern(
        "上年结转", rf"上年度?结转(?:申请|政府信息公开申请)?{_NUM}",
        ("t3.carried.total",), "上年结转申请", "答复30件（含上年度结转申请7件）",
    ),
    FigurePattern("办理答复", rf"(?<!未)答复(?:共计|共)?{_NUM}", ("t3.total.total",), "本年度办理结果总计", "本年共答复7件"),
    FigurePattern(
        "结转下年", rf"{_NUM}(?:申请)?(?:结转|顺延)(?:至|到)?下一?年",
        ("t3.carry_next.total",), "结转下年度继续办理", "另有7件顺延到下年度答复",
    ),
    FigurePattern("结转下年", rf"结转下一?年度?(?:继续办理)?{_NUM}", ("t3.carry_next.total",), "结转下年度继续办理", "结转下年度继续办理7件"),
    FigurePattern("予以公开", rf"予以公开{_NUM}", ("t3.public.total",), "予以公开", "其中予以公开7件"),
    FigurePattern("部分公开", rf"部分公开{_NUM}", ("t3.partial.total",), "部分公开", "部分公开7件"),
    FigurePattern("不予公开", rf"不予公开{_NUM}", tuple(f"t3.deny_{r}.total" for r in _DENY_ROWS), "不予公开", "不予公开7件"),
    FigurePattern(
        "行政复议", rf"行政复议(?:案件|申请)?(?:共计|共)?{_NUM}",
        ("t4.review.total",), "行政复议总计", "发生政府信息公开行政复议7件",
    ),
    FigurePattern(
        "行政复议", rf"{_NUM}{_ONE_CLAUSE}{{0,20}}?提起的?行政复议",
        ("t4.review.total",), "行政复议总计", "收到7件因政府信息公开申请提起的行政复议",
    ),
    FigurePattern("复议维持", rf"{_REVIEW}(?:结果)?维持{_NUM}", ("t4.review.upheld",), "行政复议结果维持", "行政复议9件，其中结果维持7件"),
    FigurePattern(
        "复议纠正", rf"{_REVIEW}(?:结果)?纠正{_NUM}",
        ("t4.review.corrected",), "行政复议结果纠正", "行政复议9件，其中结果维持1件，结果纠正7件",
    ),
    FigurePattern("复议其他", rf"{_REVIEW}其他结果{_NUM}", ("t4.review.other",), "行政复议其他结果", "行政复议9件，其中其他结果7件"),
    FigurePattern("复议未结", rf"{_REVIEW}尚未审结{_NUM}", ("t4.review.pending",), "行政复议尚未审结", "行政复议9件，其中尚未审结7件"),
    FigurePattern("行政诉讼", rf"行政诉讼(?:案件)?(?:共计|共)?{_NUM}", _suit("total"), "行政诉讼总计（两类起诉之和）", "行政诉讼7件"),
    FigurePattern(
        "行政诉讼", rf"{_NUM}{_ONE_CLAUSE}{{0,20}}?提起的?行政诉讼",
        _suit("total"), "行政诉讼总计（两类起诉之和）", "收到7件因政府信息公开提起的行政诉讼",
    ),
    FigurePattern(
        "诉讼维持", rf"{_SUIT}(?:结果)?维持{_NUM}",
        _suit("upheld"), "行政诉讼结果维持", "行政复议2件，结果维持2件；行政诉讼9件，其中结果维持7件",
    ),
    FigurePattern("诉讼纠正", rf"{_SUIT}(?:结果)?纠正{_NUM}", _suit("corrected"), "行政诉讼结果纠正", "行政诉讼9件，其中结果纠正7件"),
    FigurePattern("诉讼其他", rf"{_SUIT}其他结果{_NUM}", _suit("other"), "行政诉讼其他结果", "行政诉讼9件，其中其他结果7件"),
    FigurePattern("诉讼未结", rf"{_SUIT}尚未审结{_NUM}", _suit("pending"), "行政诉讼尚未审结", "行政诉讼9件，其中尚未审结7件"),
    # format 2021
    FigurePattern(
        "制发规章", rf"(?:制发|出台|新增公开){_ONE_CLAUSE}{{0,8}}?规章{_NUM}",
        ("t2.regulation.issued",), "本年制发规章", "全年新增公开市政府规章7件",
    ),
    FigurePattern(
        "制发规范性文件", rf"制发(?:行政)?规范性文件{_NUM}",
        ("t2.normative.issued",), "本年制发行政规范性文件", "本年制发行政规范性文件7件",
    ),
    FigurePattern(
        "废止规范性文件", rf"废止(?:行政)?规范性文件{_NUM}",
        ("t2.normative.repealed",), "本年废止行政规范性文件", "废止规范性文件7件",
    ),
    # format 2019
    FigurePattern(
        "制作规范性文件", rf"新?制作(?:行政)?规范性文件{_NUM}",
        ("t2.normative.made",), "本年新制作规范性文件", "本年新制作规范性文件7件",
    ),
)

YEAR_PATTERNS: tuple[YearPattern, ...] = (
    YearPattern("统计期限", r"统计(?:期限|时限|期间|时间)(?:为|是)?自?(?P<y>(?:19|20)\d{2})年", "统计期限的年份"),
    YearPattern("报告名称", r"(?P<y>(?:19|20)\d{2})年度?政府信息公开工作年度报告", "报告名称中的年份"),
)
