"""Writers: present findings (terminal, JSON, a marked copy of the workbook). They know no rule."""
