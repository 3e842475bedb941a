"""Names of the summary's own sheets and of the fixed columns of 分单位明细.

Shared by the writer and by the reader of last year's summary, so the two
cannot drift apart. Figure columns are headed with ``Cell.label``.
"""
from __future__ import annotations

SHEET_CHARTS = "图表"
SHEET_COMPARE = "同比"
SHEET_STATUS = "报送情况"
SHEET_MISSING = "未报送"
SHEET_DETAIL = "分单位明细"
SHEET_FINDINGS = "问题清单"

COL_AGENCY = "单位名称"
COL_DISTRICT = "区"  # the district summary an agency's row came through (a city's roll-up); hidden when none
COL_CODE = "统一社会信用代码"
COL_YEAR = "报告年度"
COL_STATUS = "状态"
COL_FILE = "文件"
# 问题清单's columns that a roll-up reads back (the accepted explanations)
FINDING_RULE, FINDING_LEVEL, FINDING_LOCATION, FINDING_NOTE = "规则", "级别", "位置", "单位说明"
DETAIL_FIXED = (COL_AGENCY, COL_DISTRICT, COL_CODE, COL_YEAR, COL_STATUS, COL_FILE)

TOP_AGENCIES = 10  # agencies in 图表's chart of the most new applications (ranked while summing)
