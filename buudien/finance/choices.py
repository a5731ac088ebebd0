from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    """The five kinds of a chart of accounts. Assets and expenses are debit-normal: their
    balance is debits minus credits. Liabilities, revenue and equity are credit-normal: their
    balance is credits minus debits. Either way a positive balance is the ordinary one."""

    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    REVENUE = "revenue", _("Revenue")
    EXPENSE = "expense", _("Expense")
    EQUITY = "equity", _("Equity")

    @classmethod
    def debit_normal(cls) -> frozenset[str]:
        return frozenset({cls.ASSET.value, cls.EXPENSE.value})


DEBIT_NORMAL = AccountKind.debit_normal()


class EntryKind(models.TextChoices):
    FEE = "fee", _("Fee")
    COD_COLLECTED = "cod_collected", _("COD collected")
    COD_PAID = "cod_paid", _("COD paid to the sender")
    COLLECTION = "collection", _("Bill collection")
    COLLECTION_SETTLEMENT = "collection_settlement", _("Settlement with a partner")
    DISBURSEMENT = "disbursement", _("Disbursement")
    PENSION = "pension", _("Pension payment")
    SAVINGS_DEPOSIT = "savings_deposit", _("Savings deposit")
    SAVINGS_WITHDRAWAL = "savings_withdrawal", _("Savings withdrawal")
    LOAN_REPAYMENT = "loan_repayment", _("Loan repayment")
    COMMISSION = "commission", _("Commission")
    REMITTANCE = "remittance", _("Remittance")
    PAYMENT_ACCOUNT_FEE = "payment_account_fee", _("Payment account fee")
    CASH_DISCREPANCY = "cash_discrepancy", _("Cash discrepancy")
    CASH_TRANSFER = "cash_transfer", _("Cash transfer")
    BANK_DEPOSIT = "bank_deposit", _("Bank deposit")
    CASHLESS_PAYMENT = "cashless_payment", _("Cashless payment")
    DOSSIER_FEE = "dossier_fee", _("Dossier fee and charge")
    GOODS_RECEIPT = "goods_receipt", _("Goods received from a supplier")
    GOODS_TRANSFER = "goods_transfer", _("Goods transferred between points")
    GOODS_SALE = "goods_sale", _("Goods sold")
    GOODS_RETURN = "goods_return", _("Goods returned by a customer")
    GOODS_WRITE_OFF = "goods_write_off", _("Goods written off")
    GOODS_STOCKTAKE = "goods_stocktake", _("Stocktake difference")
    GOODS_ORDER = "goods_order", _("Goods ordered and sent by parcel")
    TELECOM_SALE = "telecom_sale", _("Telecom top-up or card sold")
    INSURANCE_PREMIUM = "insurance_premium", _("Insurance premium collected")
    PUBLIC_PRESS = "public_press", _("Public press billed to the ordering agency")
    EXPENSE = "expense", _("Expense")
    COMPENSATION = "compensation", _("Compensation paid to a customer")
    BUDGET_CONTRIBUTION = "budget_contribution", _("Payment to the state budget")
    REVERSAL = "reversal", _("Reversal")
    OPENING_BALANCE = "opening_balance", _("Opening balance")

    @classmethod
    def manual(cls) -> frozenset[str]:
        """Kinds an accountant posts by hand (through the API or a page); the others are
        posted by the service of their operation (a fee by acceptance, a pension by its
        payment), never by hand."""
        return frozenset(
            {
                cls.COLLECTION_SETTLEMENT.value,
                cls.CASH_DISCREPANCY.value,
                cls.CASH_TRANSFER.value,
                cls.BANK_DEPOSIT.value,
                cls.EXPENSE.value,
                cls.BUDGET_CONTRIBUTION.value,
                cls.OPENING_BALANCE.value,
            }
        )


# Postings of these kinds are written to the audit log as well; the everyday postings of the
# counters are not (they are a hot path, and the entry itself records who, when and what).
AUDITED_KINDS = EntryKind.manual() | {EntryKind.REVERSAL.value}


class Tax(models.TextChoices):
    """What a payment to the state budget pays: the sub-accounts of 333 (Circular 200 and
    Circular 99 alike) the post owes the budget on."""

    VAT = "3331", _("Value added tax")
    CORPORATE_INCOME = "3334", _("Corporate income tax")
    PERSONAL_INCOME = "3335", _("Personal income tax (withheld)")
    LAND = "3337", _("Land and housing tax, land rent")
    OTHER_TAXES = "3338", _("Other taxes")
    FEES = "3339", _("Fees, charges and other payables (licence fee …)")


class BudgetLevel(models.TextChoices):
    """The level of the state budget a payment goes to."""

    CENTRAL = "central", _("Central budget")
    LOCAL = "local", _("Local budget")
