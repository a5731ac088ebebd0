"""Acceptance of a customer's list of items (bảng kê) all or nothing, as JSON or from a CSV or
.xlsx file (the import kind ``items``), and the labels of its items in one PDF
(``/mail/batches/``, ``/api/mail/batches``)."""
