"""Operations after acceptance: dispatch bags, delivery rounds, the KT1 chain of custody, and
the supervisors' lists and daily counts (``/mail/ops/``, ``/api/mail/ops/``). The models of
this stage live in ``operations.models`` and belong to the ``mail`` app (``mail.models``
imports them)."""
