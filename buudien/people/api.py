"""/api/people/: who am I, and the staff in my scope."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from buudien.people import selectors
from buudien.people.choices import Role

router = Router(tags=["people"])


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: Role
    unit_code: str | None = Field(None, alias="unit.code")
    point_code: str | None = Field(None, alias="point.code")
    position: str
    is_active: bool


@router.get("/me", response=UserOut, summary="The user the request acts as")
def me(request: HttpRequest) -> Any:
    return request.user


@router.get("/users", response=list[UserOut], summary="Staff in your scope")
@paginate
def users(request: HttpRequest, q: str = "", role: str = "", unit: str = "") -> Any:
    return selectors.user_list(user=request.user, q=q, role=role, unit=unit)
