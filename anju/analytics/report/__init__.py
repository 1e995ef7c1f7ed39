"""The monthly report (月度报告): key figures, charts, top causes and warnings as a PDF.

* ``reach`` — whose eyes a scheduled report is built with (``SystemViewer``);
* ``data`` — the month's figures, all from ``anju.analytics.metrics`` (SQL aggregates);
* ``fonts`` — a CJK font embedded from the machine, or the built-in CID font;
* ``pdf`` — the layout (reportlab platypus and graphics: no browser needed);
* ``services`` — building, storing and announcing reports (the worker task calls these).
"""
