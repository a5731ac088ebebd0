"""``{% cashless_nav %}``: the cashless pages' row of links, each shown only to who may open it
(the bank statements to who matches them)."""

from __future__ import annotations

from typing import Any

from django import template

from buudien.cashless import services

register = template.Library()


@register.inclusion_tag("cashless/_nav.html", takes_context=True)
def cashless_nav(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "province": context.get("province", ""),
        "can_match": user is not None and services.can_confirm(user),
    }
