"""Format 2019: 国办公开办函〔2019〕60号 (试行), report years 2019 and 2020."""
from .common import CORNER_T2, COVER, T2_TITLE, T3_OTHER_2019, table3, table4
from .model import Block, Column, Format, Kind, Row, Table

_PREV = Column("prev_items", "上一年项目数量")
_CHANGE = Column("change", "本年增/减", Kind.SIGNED)
_DECISIONS = Column("decisions", "处理决定数量")

TABLE2 = Table("t2", "二", T2_TITLE, (
    Block("item1", "第二十条第（一）项", (
        Row("regulation", "规章"),
        Row("normative", "规范性文件"),
    ), (
        Column("made", "本年新制作数量"),
        Column("published", "本年新公开数量"),
        Column("public_total", "对外公开总数量"),
    ), corner=CORNER_T2),
    Block("item5", "第二十条第（五）项", (
        Row("license", "行政许可"),
        Row("other_service", "其他对外管理服务事项"),
    ), (_PREV, _CHANGE, _DECISIONS), corner=CORNER_T2),
    Block("item6", "第二十条第（六）项", (
        Row("penalty", "行政处罚"),
        Row("coercion", "行政强制"),
    ), (_PREV, _CHANGE, _DECISIONS), corner=CORNER_T2),
    Block("item8", "第二十条第（八）项", (Row("fee", "行政事业性收费"),), (_PREV, _CHANGE), corner=CORNER_T2),
    Block("item9", "第二十条第（九）项", (Row("procurement", "政府集中采购"),), (
        Column("items", "采购项目数量"),
        Column("amount", "采购总金额", Kind.MONEY),
    ), corner=CORNER_T2),
))

FORMAT = Format(
    id="2019",
    document="国办公开办函〔2019〕60号",
    first_year=2019,
    last_year=2020,
    tables=(TABLE2, table3(T3_OTHER_2019), table4()),
    cover=COVER,
)
