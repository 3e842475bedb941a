"""Format 2021: 国办公开办函〔2021〕30号, report years 2021 and later."""
from .common import CORNER_T2, COVER, T2_TITLE, T3_OTHER_2021, table3, table4
from .model import Block, Column, Format, Kind, Row, Table

_DECISIONS = (Column("decisions", "本年处理决定数量"),)

TABLE2 = Table("t2", "二", T2_TITLE, (
    Block("item1", "第二十条第（一）项", (
        Row("regulation", "规章"),
        Row("normative", "行政规范性文件"),
    ), (
        Column("issued", "本年制发件数"),
        Column("repealed", "本年废止件数"),
        Column("in_force", "现行有效件数"),
    ), corner=CORNER_T2),
    Block("item5", "第二十条第（五）项", (Row("license", "行政许可"),), _DECISIONS, corner=CORNER_T2),
    Block("item6", "第二十条第（六）项", (
        Row("penalty", "行政处罚"),
        Row("coercion", "行政强制"),
    ), _DECISIONS, corner=CORNER_T2),
    Block("item8", "第二十条第（八）项", (Row("fee", "行政事业性收费"),), (
        Column("amount", "本年收费金额（单位：万元）", Kind.WAN),
    ), corner=CORNER_T2),
))

FORMAT = Format(
    id="2021",
    document="国办公开办函〔2021〕30号",
    first_year=2021,
    last_year=9999,
    tables=(TABLE2, table3(T3_OTHER_2021), table4()),
    cover=COVER,
)
