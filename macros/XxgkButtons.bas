Attribute VB_Name = "XxgkButtons"
' xxgk: the buttons of the annual report template (validate, clear marks, consolidate).
' This file is the only place this VBA is edited; `xxgk template --macros`
' embeds it, filling the version placeholder below from xxgk.formats.TEMPLATE_VERSION.
' The work itself is done in Python (xxgk.excel) through xlwings' RunPython.
Option Explicit

Public Const XXGK_TEMPLATE_VERSION As String = "@XXGK_TEMPLATE_VERSION@"
Private Const XXGK_VERSION_LABEL As String = "模板版本"

Sub XxgkValidate()
    XxgkRun "import xxgk.excel; xxgk.excel.validate_button()", "校验"
End Sub

Sub XxgkClearMarks()
    XxgkRun "import xxgk.excel; xxgk.excel.clear_marks_button()", "清除标记"
End Sub

Sub XxgkConsolidate()
    XxgkRun "import xxgk.excel; xxgk.excel.consolidate_button()", "汇总"
End Sub

' Errors raised before Python is running (no Python, xlwings missing, Office
' not allowed to start programs) would otherwise surface as a bare VBA error.
Private Sub XxgkRun(ByVal pythonCode As String, ByVal buttonName As String)
    On Error GoTo failed
    RunPython pythonCode
    Exit Sub
failed:
    MsgBox "“" & buttonName & "”无法运行：" & Err.Description & vbNewLine & vbNewLine & _
        "请确认本机已安装 Python 和 xxgk，并按模板“填报说明”配置 xlwings。" & vbNewLine & _
        "无法运行宏时，表内的自动校验仍然有效；也可请区政务公开办用 xxgk validate --mark 检查。", _
        vbExclamation, "xxgk"
End Sub

' Pure VBA, no Python: tells which template version this workbook is.
Function XxgkTemplateVersion() As String
    XxgkTemplateVersion = XXGK_TEMPLATE_VERSION
End Function

' Smoke test of the embedded project: writes the version into A1 and a
' Chinese label into B1 of the given sheet (checks the code page end to end).
Sub XxgkSmoke(ByVal sheetName As String)
    With ThisWorkbook.Worksheets(sheetName)
        .Range("A1").Value = XxgkTemplateVersion()
        .Range("B1").Value = XXGK_VERSION_LABEL
    End With
End Sub
