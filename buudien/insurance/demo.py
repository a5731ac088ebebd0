from typing import Any


def build(**kwargs: Any) -> str:  # the year comes next
    return ""
