"""Errors that carry a Chinese message for the person at the keyboard."""
from __future__ import annotations


class XxgkError(Exception):
    """Base: ``str(err)`` is a complete Chinese sentence fit to show as is."""


class ReadError(XxgkError):
    """A file could not be read as a report workbook.

    ``kind`` is a short stable tag (``damaged``, ``encrypted``, ``xls`` …) for
    programs; the message names the file and the problem in Chinese.
    """

    def __init__(self, path: str, kind: str, message: str):
        super().__init__(f"{path}：{message}")
        self.path = path
        self.kind = kind
        self.reason = message


class WriteError(XxgkError):
    pass
