"""Acceptance at the counter: the price of an item (tariffs, zones, add-ons), accepting one
item with its fee on the ledger, its label and receipt, and the counter's pages and API
(``/mail/``, ``/api/mail/``)."""
