"""The bundle lists of training and employment records (``bundle.md``)."""

from django.utils.translation import gettext as _

from beneficiaries.bundle import PersonRecordSpec
from casework.bundle.fields import Boolean, Date, Integer, Money, Ref, Refusal, Text, Words
from casework.bundle.spec import ListSpec, register
from employment.choices import Designation
from employment.models import Certificate, Institution, JobFair, Loan, Placement, PositionOffer, Service, Training


@register
class InstitutionSpec(ListSpec):
    """Institutions, keyed by code; ``designations`` is a list of words, stored as one flag each."""

    name = "institutions"
    model = Institution
    order = 100
    key = "code"
    lookup = "code"
    fields = {
        "name": Text(),
        "org": Ref("organisations", "organisation"),
        "designations": Words(),
    }

    def assign(self, ctx, instance, values, item, path, extra):
        values = dict(values)
        words = values.pop("designations")
        unknown = sorted(set(words) - set(Designation.values))
        if unknown:
            raise Refusal(_("未知的称号：%(v)s") % {"v": "、".join(unknown)}, field="designations")
        for designation in Designation.values:
            values[designation] = designation in words
        return super().assign(ctx, instance, values, item, path, extra)

    def export_record(self, instance, exporter):
        return {
            "code": instance.code,
            "name": instance.name,
            "org": instance.organisation.code,
            "designations": instance.designations,
        }


@register
class TrainingSpec(ListSpec):
    name = "trainings"
    model = Training
    order = 110
    date_field = "started_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "id_number": Ref("persons", "person"),
        "institution": Ref("institutions"),
        "type": Text(),
        "category": Text(),
        "started_on": Date(),
        "ended_on": Date(),
    }


@register
class CertificateSpec(PersonRecordSpec):
    name = "certificates"
    model = Certificate
    order = 120
    date_field = "issued_on"
    fields = {
        "id_number": Ref("persons", "person"),
        "issuer": Text(),
        "level": Text(),
        "issued_on": Date(),
        "via_assessment": Boolean(required=False),
    }

    def export_queryset(self, organisation, since):
        qs = Certificate.objects.filter(person__organisation__path__startswith=organisation.path)
        if since:
            qs = qs.filter(issued_on__gte=since)
        return qs.select_related("person").order_by("pk")


@register
class PlacementSpec(ListSpec):
    name = "placements"
    model = Placement
    order = 130
    date_field = "employed_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "id_number": Ref("persons", "person"),
        "employer": Text(),
        "channel": Text(),
        "category": Text(),
        "employed_on": Date(),
        "contract_months": Integer(),
    }


@register
class LoanSpec(ListSpec):
    name = "loans"
    model = Loan
    order = 140
    date_field = "lent_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "id_number": Ref("persons", "person"),
        "kind": Text(),
        "category": Text(),
        "lent_on": Date(),
        "amount": Money(),
        "jobs_created": Integer(),
    }


@register
class ServiceSpec(ListSpec):
    name = "services"
    model = Service
    order = 145
    date_field = "served_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "id_number": Ref("persons", "person"),
        "type": Text(),
        "served_on": Date(),
        "amount": Money(required=False),
    }


@register
class JobFairSpec(ListSpec):
    name = "job_fairs"
    model = JobFair
    order = 160
    date_field = "held_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "name": Text(),
        "held_on": Date(),
        "positions_total": Integer(),
        "positions_for_graduates": Integer(),
    }


@register
class PositionOfferSpec(ListSpec):
    name = "position_offers"
    model = PositionOffer
    order = 170
    date_field = "offered_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "employer": Text(),
        "employer_type": Text(),
        "offered_on": Date(),
        "positions": Integer(),
    }
