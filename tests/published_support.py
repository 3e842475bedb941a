"""Real reports (tests/data/reports) changed the ways published reports really differ.

Each function takes the text of a real report and returns it changed one way: blank cells
written as &nbsp; or left out, merged blank areas, placeholders, markdown pipes, labels split
from their figures, figures one per line, titles of other shapes, traditional characters.
"""
from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "reports"
GULOU = DATA / "2023-jining-yanzhou-gulou.txt"
ZAOZHUANG = DATA / "2023-zaozhuang-shizhong-govoffice.txt"
SHUYANG = DATA / "2023-shuyang-fgj.html"
SHANGHAI = DATA / "2025-shanghai-govoffice-pdf-extracted.txt"
HUAIAN = DATA / "szfgs2024.pdf"
HONGZE_2023 = DATA / "hzq2023_working.pdf"
HONGZE_2024 = DATA / "hzq2024_working.pdf"
SECTION3 = DATA / "section3_raw_text.txt"

# -- HTML (沭阳: Word-made cells, a blank is <o:p> </o:p> inside its paragraph) ---------------------------

_TD = re.compile(r"<td(?P<attrs>[^>]*)>(?P<body>.*?)</td>", re.S)
_TAG = re.compile(r"<[^>]+>")


def cell_text(body: str) -> str:
    return re.sub(r"\s+|&nbsp;", "", _TAG.sub("", body))


def blank_cells(html: str, write) -> str:
    """Every blank <td> rewritten by ``write(attrs)``: &nbsp;, nothing, “/” …"""
    return _TD.sub(lambda m: write(m.group("attrs")) if not cell_text(m.group("body")) else m.group(0), html)


def table_rows(html: str, marker: str) -> tuple[int, int, list[str]]:
    """(start, end, rows) of the <table> holding ``marker``: its <tr>…</tr> texts."""
    at = html.index(marker)
    start = html.rindex("<table", 0, at)
    end = html.index("</table>", at)
    rows = re.findall(r"<tr\b.*?</tr>", html[start:end], re.S)
    return start, end, rows


def rewrite_rows(html: str, marker: str, change) -> str:
    """Each <tr> of the table holding ``marker`` replaced by ``change(index, tr)``."""
    start, end, rows = table_rows(html, marker)
    body = html[start:end]
    for index, row in enumerate(rows):
        body = body.replace(row, change(index, row), 1)
    return html[:start] + body + html[end:]


def merge_blank_run(row: str, span: int) -> str:
    """``span`` blank cells side by side in a row become one <td colspan>."""
    cells = list(_TD.finditer(row))
    for i in range(len(cells) - span + 1):
        group = cells[i:i + span]
        if all(not cell_text(c.group("body")) for c in group):
            merged = f'<td colspan="{span}">&nbsp;</td>'
            return row[:group[0].start()] + merged + row[group[-1].end():]
    return row


def merge_blank_columns(html: str, marker: str, first_row: int, columns: slice) -> str:
    """The blank cells in ``columns`` (of data cells) of every row from ``first_row`` on become cells
    of the first row that span all those rows (rowspan), as a vertically merged blank area."""
    start, end, rows = table_rows(html, marker)
    height = len(rows) - first_row

    def change(index: int, row: str) -> str:
        if index < first_row:
            return row
        cells = list(_TD.finditer(row))[-7:][columns]
        if index == first_row:
            spans = "".join(f'<td rowspan="{height}">&nbsp;</td>' for _ in cells)
            return row[:cells[0].start()] + spans + row[cells[-1].end():]
        return row[:cells[0].start()] + row[cells[-1].end():]

    return rewrite_rows(html, marker, change)


def set_row_cells(html: str, marker: str, index: int, figures: list[str]) -> str:
    """Row ``index`` of the table holding ``marker``: its last len(figures) cells replaced ("" for blank)."""

    def change(i: int, row: str) -> str:
        if i != index:
            return row
        cells = list(_TD.finditer(row))[-len(figures):]
        for cell, figure in reversed(list(zip(cells, figures))):
            row = row[:cell.start()] + f"<td>{figure or '&nbsp;'}</td>" + row[cell.end():]
        return row

    return rewrite_rows(html, marker, change)


# -- plain text (鼓楼: one table row per line, cells separated by tabs) ----------------------------------------


def tab_rows(text: str, change) -> str:
    """Every line holding tabs replaced by ``change(cells)`` (a string, may hold newlines)."""
    return "\n".join(change(line.split("\t")) if "\t" in line else line for line in text.split("\n"))


def as_markdown(cells: list[str]) -> str:
    row = "| " + " | ".join(c.strip() for c in cells) + " |"
    return row + "\n|" + "---|" * len(cells) if not any(_is_figure(c) for c in cells) else row


def label_then_figures(cells: list[str]) -> str:
    """The label on one line, the row's figures on the next (as PDF text often comes)."""
    label = " ".join(c for c in cells if c.strip() and not _is_figure(c))
    figures = " ".join(c for c in cells if _is_figure(c))
    return f"{label}\n{figures}" if figures else label


def one_per_line(cells: list[str]) -> str:
    return "\n".join(c.strip() for c in cells if c.strip())


def zeros_as(mark: str):
    return lambda cells: "\t".join(mark if c.strip() == "0" else c for c in cells)


def _is_figure(cell: str) -> bool:
    return bool(re.fullmatch(r"\s*-?[\d.,]+\s*", cell))


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def traditional(text: str) -> str:
    from opencc_purepy import OpenCC

    return OpenCC("s2t").convert(text)


# -- the 2019 layout (国办公开办函〔2019〕60号), written into a real report -------------------------------------

TABLE2_2019 = """第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t2\t2\t15
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t12\t-2\t340
其他对外管理服务事项\t3\t0\t21
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t25\t+1\t118
行政强制\t4\t0\t6
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t2\t0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t5\t36.8
"""
TABLE2_2019_FIGURES = {
    "t2.regulation.made": 0, "t2.regulation.published": 0, "t2.regulation.public_total": 0,
    "t2.normative.made": 2, "t2.normative.published": 2, "t2.normative.public_total": 15,
    "t2.license.prev_items": 12, "t2.license.change": -2, "t2.license.decisions": 340,
    "t2.other_service.prev_items": 3, "t2.other_service.change": 0, "t2.other_service.decisions": 21,
    "t2.penalty.prev_items": 25, "t2.penalty.change": 1, "t2.penalty.decisions": 118,
    "t2.coercion.prev_items": 4, "t2.coercion.change": 0, "t2.coercion.decisions": 6,
    "t2.fee.prev_items": 2, "t2.fee.change": 0, "t2.procurement.items": 5, "t2.procurement.amount": 36.8,
}


def as_2019(text: str, year: int) -> str:
    """鼓楼's report in the 2019 layout: its 表二 replaced, （六）其他处理 one row, dated ``year``."""
    start = text.index("第二十条第（一）项")
    end = text.index("三、收到和处理政府信息公开申请情况")
    text = text[:start] + TABLE2_2019 + "\n" + text[end:]
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("(六) 其他处理"))
    lines[first:first + 3] = ["(六) 其他处理\t\t0\t0\t0\t0\t0\t0\t0"]
    return "\n".join(lines).replace("2023 年", f"{year} 年")


# -- a web page of the 2019 layout whose 总计 column is left blank in most rows -----------------------------------
# Layout and figures of 上海市人民政府办公厅's 2019 report as published on its web page (seen in a public repository
# holding the page's HTML): value cells spanning two columns in 表二, “251000元” for 采购总金额, &nbsp; for none,
# and the 总计 of eleven outcome rows left blank although their parts are not 0.

SHANGHAI_2019_T3 = """一、本年新收政府信息公开申请数量 821 35 _ _ 2 1 859
二、上年结转政府信息公开申请数量 18 _ _ _ _ _ 18
（一）予以公开 258 12 _ _ 1 1 _
（二）部分公开（区分处理的，只计这一情形，不计其他情形） 3 _ _ _ _ _ _
1.属于国家秘密 14 _ _ _ _ _ _
2.其他法律行政法规禁止公开 _ _ _ _ _ _ _
3.危及“三安全一稳定” _ _ _ _ _ _ _
4.保护第三方合法权益 _ _ _ _ _ _ _
5.属于三类内部事务信息 5 _ _ _ _ _ _
6.属于四类过程性信息 3 1 _ _ _ _ _
7.属于行政执法案卷 _ _ _ _ _ _ _
8.属于行政查询事项 10 2 _ _ _ _ _
1.本机关不掌握相关政府信息 252 12 _ _ 1 _ _
2.没有现成信息需要另行制作 44 3 _ _ _ _ _
3.补正后申请内容仍不明确 25 _ _ _ _ _ _
1.信访举报投诉类申请 148 1 _ _ _ _ _
2.重复申请 5 4 _ _ _ _ _
3.要求提供公开出版物 _ _ _ _ _ _ _
4.无正当理由大量反复申请 _ _ _ _ _ _ _
5.要求行政机关确认或重新出具已获取信息 _ _ _ _ _ _ _
（六）其他处理 _ _ _ _ _ _ _
（七）总计 767 35 _ _ 2 1 805
四、结转下年度继续办理 72 _ _ _ _ _ 72"""
_GROUPS = {"（一）予以公开": ("三、本年度办理结果", 20), "1.属于国家秘密": ("（三）不予公开", 8),
           "1.本机关不掌握相关政府信息": ("（四）无法提供", 3), "1.信访举报投诉类申请": ("（五）不予处理", 5)}


def _td(text: str, cols: int = 1, rows: int = 1) -> str:
    spans = (f' colspan="{cols}"' if cols > 1 else "") + (f' rowspan="{rows}"' if rows > 1 else "")
    return f'<td nowrap="nowrap"{spans}><p align="center">{text or "&nbsp;"}</p></td>'


def _table(rows: list[list[str]]) -> str:
    return '<table border="1"><tbody>' + "".join("<tr>" + "".join(r) + "</tr>" for r in rows) + "</tbody></table>"


def shanghai_2019_html() -> str:
    t2 = [[_td("第二十条第（一）项", 5)], [_td("信息内容"), _td("本年新<br />制作数量"), _td("本年新<br />公开数量", 2), _td("对外公开总数量")],
          [_td("规章"), _td("13"), _td("13", 2), _td("524")], [_td("规范性文件"), _td("60"), _td("60", 2), _td("368")]]
    for item, rows, heads in (("五", ("行政许可", "其他对外管理服务事项"), ("上一年项目数量", "本年增/减", "处理决定数量")),
                              ("六", ("行政处罚", "行政强制"), ("上一年项目数量", "本年增/减", "处理决定数量"))):
        t2 += [[_td(f"第二十条第（{item}）项", 5)], [_td("信息内容"), _td(heads[0]), _td(heads[1], 2), _td(heads[2])]]
        t2 += [[_td(row), _td("0", 2), _td("0"), _td("0")] for row in rows]
    t2 += [[_td("第二十条第（八）项", 5)], [_td("信息内容"), _td("上一年项目数量", 2), _td("本年增/减", 2)],
           [_td("行政事业性收费"), _td("0", 2), _td("0", 2)], [_td("第二十条第（九）项", 5)],
           [_td("信息内容"), _td("采购项目数量", 2), _td("采购总金额", 2)], [_td("政府集中采购"), _td("6", 2), _td("251000元", 2)]]
    t3 = [[_td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), _td("申请人情况", 7)],
          [_td("自然人", 1, 2), _td("法人或其他组织", 5), _td("总计", 1, 2)],
          [_td(c) for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]]
    for line in SHANGHAI_2019_T3.split("\n"):
        label, *figures = line.split()
        group = [_td(_GROUPS[label][0], 1, _GROUPS[label][1])] if label in _GROUPS else []
        span = 3 if label[1] == "、" else 2 if label.startswith("（") else 1
        t3.append(group + [_td(label, span)] + [_td("" if f == "_" else f) for f in figures])
    heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    t4 = [[_td("行政复议", 5), _td("行政诉讼", 10)], [_td(h, 1, 2) for h in heads] + [_td("未经复议直接起诉", 5), _td("复议后起诉", 5)],
          [_td(h) for h in heads * 2], [_td(f) for f in "5,,,2,7,8,,,1,9,,,,,".split(",")]]
    text = ("市政府办公厅代表市政府共受理政府信息公开申请859件，申请数量较去年回落12.3%；答复政府信息公开申请805件（含上年度结转"
            "申请18件，另有72件申请按照《条例》顺延到下年度答复），均在法定期限内予以答复。予以公开及部分公开258件，占33.9%；"
            "不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%；不予处理158件，占19.6%；其他处理0件。"
            "信息公开类行政复议7件，诉讼9件，均获维持。")
    return ("<html><body><p style='text-align: center;font-weight: bold;'>2019年上海市人民政府办公厅政府信息公开工作年度报告</p>"
            "<p>发布日期：2020-01-31</p><p>本年度报告中所列数据统计期限从2019年1月1日到12月31日止。</p><p>一、总体情况</p>"
            f"<p>{text}</p><p>二、主动公开政府信息情况</p>{_table(t2)}<p>三、收到和处理政府信息公开申请情况</p>{_table(t3)}"
            f"<p><br />四、政府信息公开行政复议、行政诉讼情况</p>{_table(t4)}<p>五、政府信息公开工作存在的主要问题及改进情况</p>"
            "<p>无。</p></body></html>")
