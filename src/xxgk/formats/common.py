"""Parts the two national formats share: the cover block, table 三 and table 四."""
from __future__ import annotations

from .model import Block, Column, CoverField, Kind, Row, Table

COVER = (
    CoverField("cover.agency", "单位名称", Kind.TEXT, True, "填写本机关全称，如“某某区人民政府办公室”。"),
    CoverField("cover.credit_code", "统一社会信用代码", Kind.TEXT, False, "18位统一社会信用代码，可不填。"),
    CoverField("cover.year", "报告年度", Kind.YEAR, True, "填写四位数年份，如 2025。"),
    CoverField("cover.filler", "填报人", Kind.TEXT, False, "填报人姓名。"),
    CoverField("cover.phone", "联系电话", Kind.TEXT, False, "填报人联系电话。"),
    CoverField("cover.date", "填报日期", Kind.DATE, False, "填报日期，如 2026-01-15。"),
)

T2_TITLE = "二、主动公开政府信息情况"
T3_TITLE = "三、收到和处理政府信息公开申请情况"
T4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
CORNER_T2 = "信息内容"

_LEGAL = "法人或其他组织"
T3_COLUMNS = (
    Column("natural", "自然人"),
    Column("business", "商业企业", path=(_LEGAL,)),
    Column("research", "科研机构", path=(_LEGAL,)),
    Column("social", "社会公益组织", path=(_LEGAL,)),
    Column("legal", "法律服务机构", path=(_LEGAL,)),
    Column("org_other", "其他", path=(_LEGAL,)),
    Column("total", "总计", total_of="applicants"),
)

_RESULT = "三、本年度办理结果"
_DENY = (_RESULT, "（三）不予公开")
_UNABLE = (_RESULT, "（四）无法提供")
_REJECT = (_RESULT, "（五）不予处理")
_OTHER = (_RESULT, "（六）其他处理")

_T3_HEAD = (
    Row("new", "一、本年新收政府信息公开申请数量"),
    Row("carried", "二、上年结转政府信息公开申请数量", carried_from="carry_next"),
    Row("public", "（一）予以公开", (_RESULT,)),
    Row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (_RESULT,)),
    Row("deny_secret", "1.属于国家秘密", _DENY),
    Row("deny_law", "2.其他法律行政法规禁止公开", _DENY),
    Row("deny_safety", "3.危及“三安全一稳定”", _DENY),
    Row("deny_third_party", "4.保护第三方合法权益", _DENY),
    Row("deny_internal", "5.属于三类内部事务信息", _DENY),
    Row("deny_process", "6.属于四类过程性信息", _DENY),
    Row("deny_enforcement", "7.属于行政执法案卷", _DENY),
    Row("deny_query", "8.属于行政查询事项", _DENY),
    Row("unable_no_info", "1.本机关不掌握相关政府信息", _UNABLE),
    Row("unable_create", "2.没有现成信息需要另行制作", _UNABLE),
    Row("unable_unclear", "3.补正后申请内容仍不明确", _UNABLE),
    Row("reject_complaint", "1.信访举报投诉类申请", _REJECT),
    Row("reject_repeat", "2.重复申请", _REJECT),
    Row("reject_publication", "3.要求提供公开出版物", _REJECT),
    Row("reject_massive", "4.无正当理由大量反复申请", _REJECT),
    Row("reject_confirm", "5.要求行政机关确认或重新出具已获取信息", _REJECT),
)

T3_OTHER_2021 = (
    Row("other_overdue", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", _OTHER),
    Row("other_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", _OTHER),
    Row("other_misc", "3.其他", _OTHER),
)
T3_OTHER_2019 = (Row("other", "（六）其他处理", (_RESULT,)),)


def table3(other_rows: tuple[Row, ...]) -> Table:
    outcome_rows = _T3_HEAD[2:] + other_rows
    rows = (
        *_T3_HEAD,
        *other_rows,
        Row("total", "（七）总计", (_RESULT,), total_of="outcomes"),
        Row("carry_next", "四、结转下年度继续办理"),
    )
    block = Block("t3", "", rows, T3_COLUMNS, header="申请人情况")
    return Table(
        "t3", "三", T3_TITLE, (block,), note=T3_NOTE,
        row_groups={"outcomes": tuple(r.key for r in outcome_rows)},
        column_groups={"applicants": tuple(c.key for c in T3_COLUMNS[:-1])},
    )


_T4_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计", total_of="results"),
)
_SUIT = "行政诉讼"


def table4() -> Table:
    rows = (
        Row("review", "行政复议"),
        Row("direct", "未经复议直接起诉", (_SUIT,)),
        Row("after", "复议后起诉", (_SUIT,)),
    )
    return Table(
        "t4", "四", T4_TITLE, (Block("t4", "", rows, _T4_COLUMNS),), wide=True,
        column_groups={"results": tuple(c.key for c in _T4_COLUMNS[:-1])},
    )
