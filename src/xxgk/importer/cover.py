"""The report's agency and year, each with where it was found, and the year statements that disagree.

Sources, in the order they are trusted: the title (one line, or two lines joined, spaces
and 政府 optional), the first paragraph (“现将某某镇人民政府2022年度政务公开工作报告如下”,
“本报告由某某局编制”), the 统计期限 (year only), a web page's information table
(发布机构) and the signature at the end (agency only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Document, join_cjk, label_key

HEAD_LINES = 80
_OPENING = 600  # characters of a first-paragraph line looked at  # the title is among the first lines (web pages put navigation before it)
_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年\s*度?"
_REPORT = r"(?:的)?(?:政府)?(?:信息|政务)公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
_TITLE = re.compile(rf"^(?P<before>.{{0,60}}?){_YEAR}(?P<after>.{{0,60}}?){_REPORT}")
_IN_SENTENCE = re.compile(rf"(?P<before>[^，,。；;：:“”《》]{{0,60}}?){_YEAR}{_REPORT}")
_MADE_BY = re.compile(r"报告由(?P<agency>[^，,。；;]{2,40}?)(?:按照|根据|依据|依照|编制|负责|制作)")
_PERIOD = re.compile(r"统计(?:期限|时限|期间|时间|区间|范围)(?:为|是)?(?:自|从)?" + _YEAR)
_SECTION_ONE = re.compile(r"^[一1][、.]\s*总体情况")
_LEAD = re.compile(r"^.*(?:现将|特将|现就|公布|发布|印发|编制|报告由|由|如下)")
_LABEL_PREFIX = re.compile(r"^[^:：]{1,6}[:：]")  # 标题：, 名称：
_ORG_END = re.compile(r"(?:政府|办公室|办公厅|局|委员会|委|办事处|街道|镇|乡|中心|院|所|厅|署|会|队|处|站|馆|公司|部|办)$")
_NOISE = re.compile(r"^(?:关于|有关)|[《》“”\"]")
_WRAPPING = re.compile(r"^[《“\"【\[（(]+|(?:关于|有关)?[》”\"】\]）)]*$")  # 《某某局, 某某局关于
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")
_AGENCY_KEYS = ("发布机构", "发文机关", "发布单位", "公开主体", "来源单位")
_DATE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


@dataclass(frozen=True)
class Found:
    value: str | int
    source: str  # 标题, 首段, 统计期限, 表格, 落款
    where: str  # the Line's place in the source (第3行, 第2页)
    text: str  # the words it was read from


@dataclass
class Cover:
    agency: Found | None = None
    year: Found | None = None
    years: list[Found] = field(default_factory=list)  # every year statement, title first

    def disagreeing(self) -> list[Found]:
        """Year statements that differ from the chosen year."""
        return [f for f in self.years if self.year is not None and f.value != self.year.value]


def find_cover(document: Document) -> Cover:
    lines = [(line.where, line.cells) for line in document.lines]
    texts = [_flat(" ".join(cells)) for _, cells in lines]
    section_one = next((i for i, t in enumerate(texts[:400]) if _SECTION_ONE.match(t)), min(len(texts), HEAD_LINES))
    cover = Cover()
    title_at = _title(lines, texts, min(section_one, HEAD_LINES), cover)
    first = [i for i in range((title_at or -1) + 1, section_one) if len(texts[i]) >= 20][:5]
    for i in first:
        _first_paragraph(lines[i][0], texts[i], cover)
    _period(lines, texts, cover)
    if cover.agency is None:
        cover.agency = _from_table(lines) or _signature(lines, texts)
    cover.year = cover.years[0] if cover.years else None
    return cover


def _flat(text: str) -> str:
    """Spaces out; a year in Chinese numerals (二〇二三年) in digits."""
    text = _CN_YEAR.sub(lambda m: m.group().translate(_CN_DIGITS), text) if "年" in text else text
    return re.sub(r"\s+", "", join_cjk(text))


def _title(lines, texts, stop: int, cover: Cover) -> int | None:
    """Index of the title's last line; fills the title's agency and year."""
    for i in range(stop):
        for text, span in _title_candidates(lines[i][1], texts, i):
            match = _TITLE.match(text)
            if match is None or len(text) > 90 or "。" in text:
                continue
            agency = _agency(match.group("before")) or _agency(match.group("after"))
            if agency is None:
                # the line above the title, if it names an agency (not a web page's navigation)
                agency = next((a for t in reversed(texts[max(i - 3, 0):i]) if (a := _agency(t, strict=True))), None)
            where = lines[i][0]
            cover.years.append(Found(int(match.group("year")), "标题", where, text))
            if agency:
                cover.agency = Found(agency, "标题", where, text)
            return i + span - 1
    return None


def _title_candidates(cells, texts, i: int) -> list[tuple[str, int]]:
    """(text, lines it takes): the line, each of its cells, the line joined with the next (a split title)."""
    own = [texts[i]] + ([_flat(c) for c in cells] if len(cells) > 1 else [])
    whole = i + 1 < len(texts) and not _TITLE.match(texts[i]) and not _TITLE.match(texts[i + 1])
    joined = [(texts[i] + texts[i + 1], 2)] if whole else []
    return [(t, 1) for t in own] + joined


def _agency(text: str, strict: bool = False) -> str | None:
    text = _WRAPPING.sub("", _LABEL_PREFIX.sub("", text)).strip(" ，,:：-—")
    if len(label_key(text)) < 2 or len(text) > 40 or "。" in text or _NOISE.search(text):
        return None
    if strict and not _ORG_END.search(text):
        return None
    return text


def _first_paragraph(where: str, text: str, cover: Cover) -> None:
    text = text[:_OPENING]
    for match in _IN_SENTENCE.finditer(text):
        cover.years.append(Found(int(match.group("year")), "首段", where, text))
        agency = _agency(_LEAD.sub("", match.group("before")), strict=True)
        if agency and cover.agency is None:
            cover.agency = Found(agency, "首段", where, text)
    made = _MADE_BY.search(text)
    if made and cover.agency is None and (agency := _agency(made.group("agency"), strict=True)):
        cover.agency = Found(agency, "首段", where, text)


def _period(lines, texts, cover: Cover) -> None:
    for (where, _), text in zip(lines, texts):
        match = _PERIOD.search(text) if "统计" in text else None
        if match:
            cover.years.append(Found(int(match.group("year")), "统计期限", where, text))
            return


def _from_table(lines) -> Found | None:
    """A web page's information table: 发布机构 | 某某局."""
    for where, cells in lines[:HEAD_LINES * 2]:
        for key, value in zip(cells, cells[1:]):
            if _flat(key) in _AGENCY_KEYS and (agency := _agency(_flat(value), strict=True)):
                return Found(agency, "表格", where, f"{_flat(key)}：{_flat(value)}")
    return None


def _signature(lines, texts) -> Found | None:
    """An agency's name on the line before the closing date."""
    for i in range(len(texts) - 1, max(len(texts) - 6, 0), -1):
        if _DATE.match(texts[i]) and (agency := _agency(texts[i - 1], strict=True)):
            return Found(agency, "落款", lines[i - 1][0], texts[i - 1])
    return None
