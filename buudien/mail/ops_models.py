"""Mail operations: dispatch bags, delivery rounds, KT1 custody hand-overs.

Kept apart from models.py while the acceptance and tracking models settle; models.py
imports everything here so Django finds these models.
"""

from __future__ import annotations
