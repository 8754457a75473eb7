"""The clerk's daily sheet (来人来电表录入): reading the file, and importing it set-based.

Parsing is pure (bytes in, :class:`~desk.imports.sheet.SheetRow` out). The import reads and
writes in a constant number of queries per chunk of rows, whatever the sheet's length: the
validity rules are those of the front desk (``customers.validity``), applied row by row in
memory. The modules follow the work:

- ``sheet``: the sheet's columns, headers and words, and ``SheetRow``;
- ``reading``: opening a CSV or XLSX file within bounds, its header row (``parse_sheet``);
- ``cells``: a row's cells read into a ``SheetRow`` (times, kinds, phones);
- ``context``: what every step of one import shares (``ImportContext``, the staff, chunks);
- ``validation``: one row checked into its ``RowFacts`` (refusals, defects);
- ``classifying``: the rows created, invalid or duplicate, against the ledger;
- ``storing``: the rows applied set-based: customers, registrations, quotas, states;
- ``report``: the per-row report and its XLSX, the blank template;
- ``services``: ``sheet_import`` and who may import (``ensure_may_import``).
"""
