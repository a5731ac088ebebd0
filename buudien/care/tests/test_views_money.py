"""The money pages of customer care: the proposal shows how the most is computed from the
item's own charge, an accountant approves, a clerk pays at the counter (the operation page,
its receipt and the A6 PDF), the list; a postman is refused, an outsider finds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.care import services_money
from buudien.care.models import Compensation, CompensationPayment
from buudien.care.tests.test_money import upheld

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english"),
]


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="ketoan", role="accountant", unit=world.province)


def test_the_proposal_shows_the_computation_and_proposes(
    client_as: Any, officer: Any, letter: Any
) -> None:
    row = upheld(officer, letter)
    client = client_as(officer)
    url = f"/care/requests/{row.code}/compensation/"

    request_page = client.get(f"/care/{row.code}/").content.decode()
    assert f'href="{url}"' in request_page  # the closed, upheld complaint leads to it

    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "21.600" in text and "108.000" in text

    refused = client.post(url, {"rule": "", "loss_bp": "", "amount": "200.000"})
    assert refused.status_code == 200 and "at most 108.000" in refused.content.decode()
    assert not Compensation.objects.exists()

    done = client.post(url, {"rule": "", "loss_bp": "", "amount": ""})
    assert done.status_code == 302 and done["Location"] == f"/care/compensations/{row.code}/"
    assert Compensation.objects.get().amount == 108_000
    again = client.get(f"/care/{row.code}/").content.decode()
    assert f'href="/care/compensations/{row.code}/"' in again and "108.000" in again


def test_approved_by_the_accountant_and_paid_at_the_counter_with_its_receipt(
    client_as: Any, world: Any, officer: Any, accountant: Any, clerk_a: Any, letter: Any, fund: Any
) -> None:
    row = upheld(officer, letter)
    services_money.compensation_propose(actor=officer, request=row)
    approve = client_as(accountant).post(f"/care/compensations/{row.code}/approve/")
    assert approve.status_code == 302
    assert Compensation.objects.get().status == "approved"
    listed = client_as(accountant).get("/care/compensations/")
    assert listed.status_code == 200 and row.code in listed.content.decode()

    fund(world.point_a, 500_000)
    client = client_as(clerk_a)
    form = client.get(f"/care/compensations/{row.code}/pay/")
    assert form.status_code == 200
    token = form.context["form"].initial["token"]
    paid = client.post(f"/care/compensations/{row.code}/pay/", {"token": token, "payee_name": ""})
    assert paid.status_code == 302
    again = client.post(f"/care/compensations/{row.code}/pay/", {"token": token, "payee_name": ""})
    assert again.status_code == 302
    payment = CompensationPayment.objects.get()
    assert (payment.amount, payment.created_by) == (108_000, clerk_a)

    receipt = client.get(paid["Location"])
    assert receipt.status_code == 200 and payment.reference in receipt.content.decode()
    pdf = client.get(f"/care/compensations/{row.code}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_postman_is_refused_and_an_outsider_finds_nothing(
    client_as: Any, world: Any, officer: Any, outsider: Any, letter: Any
) -> None:
    from buudien.people.tests.factories import UserFactory

    row = upheld(officer, letter)
    services_money.compensation_propose(actor=officer, request=row)
    postman = UserFactory(username="pm", role="postman", unit=world.unit_a)
    assert client_as(postman).get("/care/compensations/").status_code == 403
    assert client_as(outsider).get(f"/care/compensations/{row.code}/").status_code == 404
    assert client_as(outsider).get(f"/care/requests/{row.code}/compensation/").status_code == 404
