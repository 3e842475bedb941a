"""Importing published reports (.txt, .docx, .html, .pdf) into the standard tables.

    from xxgk.importer import import_report
    result = import_report("report.pdf")
    result.values["t3.new.total"], result.missing, result.problems, result.narrative
"""
from .core import import_document, import_report
from .result import ImportResult
from .sources import read_document

__all__ = ["import_report", "import_document", "read_document", "ImportResult"]
