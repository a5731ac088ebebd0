"""The ledger: accounts and immutable double-entry transfers."""

from __future__ import annotations
