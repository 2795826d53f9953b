"""The bundle lists of student aid and funds: aid grants, receipts, expenditures, work-study offers.

The notices (公示) that clear first grants are a list of their own, in ``notices/bundle.py``.
"""

from django.utils.translation import gettext as _

from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from casework.bundle.fields import Date, Integer, Money, Ref, Text
from casework.bundle.spec import ListSpec, Refusal, register


@register
class AidGrantSpec(ListSpec):
    name = "aid_grants"
    model = AidGrant
    order = 60
    date_field = "granted_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "id_number": Ref("persons", "person"),
        "granted_on": Date(),
        "amount": Money(),
        "fund_source": Text(required=False),
        "payment_method": Text(required=False),
        "amount_reason": Text(required=False),
    }


@register
class FundReceiptSpec(ListSpec):
    name = "fund_receipts"
    model = FundReceipt
    order = 70
    date_field = "received_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "programme": Text(),
        "source": Text(),
        "received_on": Date(),
        "amount": Money(),
        "transferred_from": Ref("organisations", required=False),
    }

    def assign(self, ctx, instance, values, item, path, extra):
        # The unit that passed the money down may lie above the importer's unit (上级拨付): allowed are
        # the units of ``casework.scoping.transfer_sources``; any other answers like an unknown code.
        source = values.get("transferred_from")
        if source is not None and ctx.restricted:
            unit = ctx.acting_user.organisation
            if unit is None or not (source.path.startswith(unit.path) or unit.path.startswith(source.path)):
                raise Refusal(_("引用的记录不存在：%(v)s") % {"v": source.code}, field="transferred_from")
        return super().assign(ctx, instance, values, item, path, extra)


@register
class ExpenditureSpec(ListSpec):
    name = "expenditures"
    model = Expenditure
    order = 80
    date_field = "spent_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "programme": Text(),
        "use": Text(),
        "spent_on": Date(),
        "amount": Money(),
    }


@register
class WorkStudyOfferSpec(ListSpec):
    name = "work_study_offers"
    model = WorkStudyOffer
    order = 90
    date_field = "offered_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "unit_name": Text(),
        "offered_on": Date(),
        "posts": Integer(),
    }


@register
class AssistanceMeasureSpec(ListSpec):
    """Assistance measures (帮扶措施) of household files, beyond ``bundle.md``'s lists: every assistance
    a file received, with its money and fund source."""

    name = "assistance_measures"
    model = AssistanceMeasure
    order = 65
    date_field = "provided_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "household": Ref("households"),
        "type": Text(),
        "provided_on": Date(),
        "amount": Money(required=False),
        "fund_source": Text(required=False),
        "note": Text(required=False),
    }
