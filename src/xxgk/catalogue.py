"""The catalogue of words: every status, read-error kind and code-made finding kind, said once.

In the style of frictionless-py's error catalogue: each member has a stable value (what programs,
``--json`` and the sheets see), a Chinese label (what a person sees) and, where it has one, a message
template with named placeholders (``template``; ``fields`` names them; ``message(**fields)`` fills
them and refuses any other set, so a call site and its template cannot drift apart).

Statuses keep the Chinese words as their values: they are written into summaries, shown on the
console and given in ``--json`` exactly as before, and a status read back from an earlier summary
is the same string. Read-error kinds keep their English tags as values (``ReadError.kind``) with a
Chinese label and the sentence shown to the clerk; ReadMessage holds a kind's other sentences.
Levels keep ``error``/``warning`` (``Finding.severity``, --json) with 错误/警告/已说明 as labels;
code-made finding kinds keep the rule ids findings have always carried.
"""
from __future__ import annotations

from enum import Enum
from string import Formatter

from .errors import ReadError


class Worded(str, Enum):
    """A catalogue member: a ``str`` equal to its value, with ``label`` and ``template``."""

    def __new__(cls, value: str, label: str | None = None, template: str = ""):
        self = str.__new__(cls, value)
        self._value_ = value
        self.label = value if label is None else label
        self.template = template
        return self

    # str() and format() give the value on every Python (3.10 has no StrEnum; 3.12 changed format())
    __str__ = str.__str__
    __format__ = str.__format__

    @property
    def fields(self) -> frozenset[str]:
        return template_fields(self.template)

    def message(self, **fields) -> str:
        return fill(self.template, self, fields)


def template_fields(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in Formatter().parse(template) if name)


def fill(template: str, owner, fields: dict) -> str:
    if set(fields) != template_fields(template):
        raise TypeError(f"{owner!r} takes {sorted(template_fields(template))}, given {sorted(fields)}")
    return template.format(**fields)


class Status(Worded):
    """What became of one input file in a consolidation (and of one file in validate)."""

    PASSED = "通过"
    ERRORS = "有错误"
    WARNINGS = "有警告"
    EXPLAINED = "已说明"
    UNREADABLE = "无法读取"
    WRONG_YEAR = "年度不符"
    WRONG_FORMAT = "格式不符"
    REPLACED = "重复（已被替代）"
    EXCLUDED = "已排除"
    SUMMARY_LEFT_OUT = "汇总表（未计入）"  # an earlier summary whose agencies all reported themselves
    MARKED_COPY = "标记副本（未计入）"  # a marked copy of ours (validate --mark), told by content

    @property
    def included(self) -> bool:
        """Its figures are in the summary."""
        return self in INCLUDED_STATUSES


INCLUDED_STATUSES = (Status.PASSED, Status.ERRORS, Status.WARNINGS, Status.EXPLAINED)
REJECTED_STATUSES = (Status.WRONG_YEAR, Status.WRONG_FORMAT, Status.EXCLUDED)  # left out for what they hold


class RosterStatus(Worded):
    """A roster agency whose figures are not in the summary (``note`` says why)."""

    NOT_SENT = "未报送"
    LEFT_OUT = "未纳入"


NOT_RECEIVED = "未收到报表"  # the note of a roster agency from which nothing came


class CheckStatus(Worded):
    """The state of one live check on the template's 校验结果 sheet (computed by Excel formulas)."""

    FAILED = "不通过"
    PASSED = "通过"
    EXPLAINED = "已说明"  # a failing warning with a clerk's 说明
    PENDING = "待填写"  # a cell the check needs is still blank


class Level(Worded):
    """A finding's severity (``Finding.severity``) and how it is shown; explained is a warning with 说明."""

    ERROR = "error", "错误"
    WARNING = "warning", "警告"
    EXPLAINED = "explained", "已说明"

    @classmethod
    def of(cls, finding) -> "Level":
        return cls.EXPLAINED if finding.explained else cls(finding.severity)


class FindingKind(Worded):
    """Findings the tool makes itself, not rules of rules.yaml; the value is the rule id findings carry."""

    SHARED_CODE = ("单位-信用代码重复", "信用代码重复",
                   "统一社会信用代码 {code} 也出现在 {others} 中，但单位名称不同；两份报表都已作为不同单位纳入汇总，"
                   "请核实是否填错了代码（如从其他单位的报表复制而来），或是同一单位更名后重复报送")
    BLANK_TOTAL = ("原文留空", "总计留空",
                   "{label}：原文留空，但{whose}之和为 {hidden}，总计不应留空（其他核对按 {hidden} 计）")
    PREVIOUS_MISMATCH = "跨年-上年报表", "上年报表不符"
    IMPORT_MISSING = "导入-缺失", "未能导入", "{count} 格未能从原文导入，请对照原文核实"
    NARRATIVE_YEAR = ("叙述-年度", "年份不一致",
                      "{source}“{quote}”中的年份为{stated}年，与{chosen_source}中的报告年度{chosen}年不一致，请核实。")
    NARRATIVE_FIGURE = ("叙述-一致", "正文与表格不一致",
                        "正文“{quote}”中{what}为{stated}件，但表格中{where}为{table}。")


_SAVE_AS = "请用本模板填写后另存为 Excel 工作簿（.xlsx）再报送"
_DAMAGED = "文件已损坏（{what}），无法读取，请重新从原文件另存或重新报送"


class ReadErrorKind(Worded):
    """Why a file could not be read (``ReadError.kind``); the template is the refusal shown for it."""

    # what the file is, judged by its bytes (readers.detect) or by the file system (inputs)
    MISSING = "missing", "文件不存在", "文件不存在"
    DIRECTORY = "directory", "文件夹", "这是一个文件夹，不是工作簿文件"
    BROKEN_LINK = "broken_link", "断开的链接", "这是一个快捷方式（符号链接），它指向的文件不存在"
    LINK_LOOP = "link_loop", "循环链接", "这是一个循环的符号链接（链接最终指向它自己），无法读取"
    NOT_REGULAR = "not_regular", "非普通文件", "这不是普通文件（而是管道、设备或套接字），为安全起见不读取"
    UNREADABLE = "unreadable", "无法打开", "无法打开文件（没有读取权限或文件正被占用）"
    EMPTY = "empty", "空文件", "文件是空的（0 字节），可能传输或保存时出错，请重新报送"
    XLS = "xls", "旧版 Excel 文件", "这是旧版 Excel 97-2003（.xls）或 WPS 表格（.et）文件，请用模板另存为 .xlsx 后再报送"
    ENCRYPTED = "encrypted", "已加密", "文件已加密（设置了打开密码），请取消密码后再报送"
    XLSB = "xlsb", "Excel 二进制工作簿", "这是 Excel 二进制工作簿（.xlsb），" + _SAVE_AS
    ODS = "ods", "OpenDocument 电子表格", "这是 OpenDocument 电子表格（.ods），" + _SAVE_AS
    ODF = "odf", "OpenDocument 文档", "这是 OpenDocument 文档（如 .odt），不是工作簿，" + _SAVE_AS
    WORD = "word", "Word 文档", "这是 Word 文档，不是工作簿，" + _SAVE_AS
    OFFICE = "office", "Office 文档", "这是 Office 文档（如 PowerPoint 或 Word），不是工作簿，" + _SAVE_AS
    OLE = "ole", "Office 旧格式文件", "这是一种无法识别的 Office 旧格式文件，" + _SAVE_AS
    ZIP = "zip", "普通压缩包", "这是一个普通压缩包，不是 Excel 工作簿，请解压后报送其中的 .xlsx 文件"
    PDF = "pdf", "PDF 文件", "这是 PDF 文件，不是工作簿，" + _SAVE_AS
    IMAGE = "image", "图片文件", "这是图片文件，不是工作簿，" + _SAVE_AS
    HTML = "html", "网页文件", "这是网页（HTML/XML）文件，只是改了扩展名，" + _SAVE_AS
    CSV = "csv", "CSV 文本文件", "这是 CSV 文本文件，只是改了扩展名，" + _SAVE_AS
    TEXT = "text", "纯文本文件", "这是纯文本文件，不是工作簿，" + _SAVE_AS
    DAMAGED = "damaged", "文件已损坏", _DAMAGED.format(what="压缩包结构不完整或数据出错")
    UNKNOWN = "unknown", "无法识别的格式", "无法识别的文件格式，不是 Excel 工作簿，" + _SAVE_AS
    # what reading found inside
    TOO_LARGE = "too_large", "文件过大", "文件内容异常庞大（{detail}），远超任何正常报表，为安全起见拒绝读取"
    UNSAFE_XML = "unsafe_xml", "不安全的 XML 内容", "文件中含有不安全的 XML 内容（DTD 或实体声明），为安全起见拒绝读取"
    UNSAFE = "unsafe", "不安全的 XML 声明", "文档中含有不安全的 XML 声明（DTD/实体），拒绝读取。"
    NOT_TEMPLATE = ("not_template", "不是本模板",
                    "不是用本模板填写的工作簿（缺少模板标记），请用统一下发的模板填写后再报送")
    UNKNOWN_FORMAT = ("unknown_format", "无法识别的报表格式",
                      "模板标记中的报表格式“{format}”无法识别，请用统一下发的最新模板填写")
    OLD_TEMPLATE = ("old_template", "旧版模板",
                    "模板版本为{shown}，与本工具使用的模板版本“{version}”不一致，请把数据转填到最新模板后再报送")
    NOT_SUMMARY = "not_summary", "不是汇总表", "这不是 xxgk 生成的汇总表（没有“分单位明细”“报送情况”工作表）"
    NOT_SAVED = "not_saved", "工作簿未保存", "工作簿尚未保存到磁盘，请先保存（文件 → 另存为 .xlsm），再点击按钮"
    # published reports and rosters (import, audit, --roster)
    UNSUPPORTED = "unsupported", "不支持的文件类型", "无法识别的文件类型，支持 .txt、.docx、.html、.pdf。"
    ENCODING = "encoding", "文字编码无法识别"
    TOO_DEEP = "too_deep", "嵌套过深", "网页的标签嵌套超过 256 层，不像一份年度报告，拒绝读取。"
    TIMEOUT = ("timeout", "处理超时",
               "处理超过 {seconds:g} 秒仍未完成{where}，已停止；文件过大或结构异常，请检查原文或拆分后再导入。")
    NO_TEXT = "no_text", "没有文字层", "PDF 中没有文字层（可能是扫描件），无法导入，请先做文字识别。"
    NO_TABLES = "no_tables", "没有表格数字", "没有找到表二、表三、表四中的任何数字，不像是一份年度报告。"
    NO_NAME_COLUMN = ("no_name_column", "找不到单位名称列", "名单中找不到单位名称所在的列。第一行为 {first_row}；请把单位名称"
                      "所在列的标题写为“单位名称”（也可用单位全称、机构名称、部门名称、名称等）")
    IMPORT = "import", "导入失败"
    FAILED = "failed", "意外错误", "导入时出现意外错误（{kind}），已跳过此文件；请把文件交给维护人员检查。"

    def error(self, path, **fields) -> ReadError:
        """A ReadError of this kind naming ``path``, its message the template filled with ``fields``."""
        return ReadError(str(path), self, self.message(**fields))


_K = ReadErrorKind  # short, for the table below


class ReadMessage(Worded):
    """The other sentences said for a read-error kind: each names its kind and takes that kind's label."""

    def __new__(cls, value: str, kind: ReadErrorKind, template: str):
        self = str.__new__(cls, value)
        self._value_ = value
        self.kind, self.label, self.template = kind, kind.label, template
        return self

    FILE_TOO_LARGE = "file_too_large", _K.TOO_LARGE, "文件过大（{size}），超过此类文件的上限 {limit}，为安全起见拒绝读取"
    NOT_A_FILE = "not_a_file", _K.DIRECTORY, "这是一个文件夹，不是文件"
    DAMAGED_PARTS = "damaged_parts", _K.DAMAGED, _DAMAGED.format(what="工作簿内部结构不完整：{detail}")
    DAMAGED_XML = "damaged_xml", _K.DAMAGED, _DAMAGED.format(what="内部 XML 内容不完整或格式错误")
    UNPACKED_TOO_LARGE = "unpacked_too_large", _K.TOO_LARGE, "文件解压后过大，拒绝读取。"
    FOLDER_EMPTY = "folder_empty", _K.EMPTY, "文件夹中没有报告文件（{suffixes}）。"
    MARK_SOURCE = "mark_source", _K.DAMAGED, "无法打开工作簿以制作标注副本（{error}）"
    # earlier summaries (--previous, a city's roll-up) and rosters (--roster)
    SHEET_MISSING = "sheet_missing", _K.DAMAGED, "汇总表中找不到“{sheet}”工作表"
    SHEET_DAMAGED = "sheet_damaged", _K.DAMAGED, "“{sheet}”工作表无法读取（{error}）"
    ROSTER_MISSING = "roster_missing", _K.MISSING, "名单文件不存在"
    ROSTER_TOO_LARGE = "roster_too_large", _K.TOO_LARGE, "名单文件过大，不像是单位名单"
    ROSTER_EMPTY = "roster_empty", _K.EMPTY, "名单中没有找到任何单位名称（应在“单位名称”列下）"
    ROSTER_DAMAGED = "roster_damaged", _K.DAMAGED, "名单工作簿无法读取（{error}）"
    ROSTER_CSV = ("roster_csv", _K.DAMAGED, "名单第 {line} 行附近无法按 CSV 读取：某一格内容过长，"
                  "多半是有一个引号（\"）没有配对。请在 Excel 中打开检查后另存为 CSV")
    ROSTER_ENCODING = "roster_encoding", _K.ENCODING, "名单文件的文字编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV 文件"
    # published reports (import, audit)
    OLD_DOCUMENT = "old_document", _K.UNSUPPORTED, "不支持{format}格式，请另存为 .docx 后再导入。"
    TEXT_TOO_LARGE = "text_too_large", _K.TOO_LARGE, "文件超过 {megabytes} MB，不像一份年度报告。"
    TEXT_UNREADABLE = "text_unreadable", _K.UNREADABLE, "无法读取文件（{reason}）。"
    TEXT_ENCODING = ("text_encoding", _K.ENCODING,
                     "文字编码无法识别（既不是 UTF-8 也不是 GB18030），请另存为 UTF-8 文本。")
    NOT_DOCX = "not_docx", _K.DAMAGED, "文件已损坏或不是 .docx 文件（无法作为压缩包打开）。"
    MEMBER_RATIO = "member_ratio", _K.TOO_LARGE, "文件中的“{member}”压缩比异常，拒绝读取。"
    DOCX_BODY_TOO_LARGE = "docx_body_too_large", _K.TOO_LARGE, "文档正文解压后超过 {megabytes} MB，不像一份年度报告，拒绝读取。"
    NOT_WORD = "not_word", _K.DAMAGED, "不是 Word 文档（缺少 word/document.xml）。"
    DOCX_UNZIP = "docx_unzip", _K.DAMAGED, "文件已损坏或已加密，无法解压。"
    DOCX_XML = "docx_xml", _K.DAMAGED, "文档内容已损坏（XML 格式错误）。"
    HTML_DAMAGED = "html_damaged", _K.DAMAGED, "网页内容无法解析。"
    PDF_TOO_LARGE = "pdf_too_large", _K.TOO_LARGE, "PDF 文件过大（超过 {megabytes} MB），不像一份年度报告。"
    PDF_DAMAGED = "pdf_damaged", _K.DAMAGED, "无法读取 PDF：文件{reason}。"
    PDF_PAGES = "pdf_pages", _K.TOO_LARGE, "PDF 有 {pages} 页，超过 {limit} 页，不像一份年度报告。"
    PDF_CONTENT = "pdf_content", _K.DAMAGED, "无法读取 PDF 的页面内容，文件可能已损坏。"
    PDF_TABLES = "pdf_tables", _K.DAMAGED, "无法读取 PDF 中的表格（{error}），文件可能已损坏。"

    def error(self, path, **fields) -> ReadError:
        return ReadError(str(path), self.kind, self.message(**fields))


CATALOGUE = (Status, RosterStatus, CheckStatus, Level, FindingKind, ReadErrorKind, ReadMessage)
