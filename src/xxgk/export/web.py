"""The three tables as one self-contained HTML page: <table> with rowspan/colspan, simple CSS.

Every text is HTML-escaped; the page loads nothing from elsewhere.
"""
from __future__ import annotations

from html import escape

from ..model import FormData
from .grid import GridCell, PrintedTable, document_title, printed_tables

CSS = """
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", serif; margin: 2em; color: #000; }
h1 { font-size: 18pt; text-align: center; }
h2 { font-size: 14pt; margin: 1.5em 0 0.4em; }
p.note { font-size: 10.5pt; margin: 0 0 0.4em; }
table { border-collapse: collapse; margin-bottom: 1em; font-size: 10.5pt; }
th, td { border: 1px solid #000; padding: 3px 6px; text-align: center; vertical-align: middle; }
th { font-weight: normal; }
th.label { text-align: left; }
th.block { font-weight: bold; text-align: left; }
th.stacked { writing-mode: vertical-rl; letter-spacing: 0.2em; }
td { min-width: 3em; }
td.total { font-weight: bold; }
""".strip()

# Cells that carry a label are table headers; figures are data cells.
_HEADER_ROLES = {"corner", "header", "block", "group", "label"}


def render_html(form: FormData) -> str:
    title = document_title(form)
    body = "\n".join(_table_html(table) for table in printed_tables(form))
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n{body}\n</body>\n</html>\n"
    )


def _table_html(table: PrintedTable) -> str:
    parts = [f"<h2>{escape(table.title)}</h2>"]
    if table.note:
        parts.append(f'<p class="note">{escape(table.note)}</p>')
    total = sum(table.widths)
    cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in table.widths)
    rows = "\n".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in table.rows)
    parts.append(f'<table class="t{escape(table.number)}">\n<colgroup>{cols}</colgroup>\n<tbody>\n{rows}\n'
                 "</tbody>\n</table>")
    return "\n".join(parts)


def _cell_html(cell: GridCell) -> str:
    tag = "th" if cell.role in _HEADER_ROLES else "td"
    classes = [cell.role] + (["stacked"] if cell.stacked else [])
    spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
            (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
    return f'<{tag} class="{" ".join(classes)}"{spans}>{escape(cell.text)}</{tag}>'
