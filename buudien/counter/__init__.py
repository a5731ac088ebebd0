"""The counter: what every customer operation at a service point's counter goes through.

A counter service declares its operation and leaves the common steps here:

- ``desk``: who may act (role, unit scope, their own point), the business day, the
  idempotency key and the request's fingerprint (same request → same result; same key with
  other data → refused), the operation's reference, its one balanced ledger entry, and the
  fields every operation row records (``models.CounterOperation``);
- ``fields``: cleaning what the customer gives (names, citizen IDs, phones, amounts);
- ``forms``: the money input, the hidden token that is the page's idempotency key, the
  point chooser and date inputs;
- ``api``: the ``Idempotency-Key`` header and the point an API call acts at;
- ``receipts``: the A6 receipt with one layout;
- ``views``: the page of one operation (form, service call, errors next to their fields).

docs/counter.md shows how a new service uses it.
"""
