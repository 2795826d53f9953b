"""factory-boy factories for every model. Tests that exercise a rule build their data
through the services instead; these make the surrounding records quickly."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import AnnualReview, Graduate, Household, Person, Schooling
from casework.choices import Category, Level, Role
from casework.models import Organisation, User
from employment.models import (
    AssistancePlan,
    Certificate,
    Institution,
    JobFair,
    Loan,
    Pairing,
    Placement,
    PositionOffer,
    Service,
    Training,
)
from notices.models import Notice, NoticeEntry, Objection

D = datetime.date


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{900000 + n}")
    name = factory.LazyAttribute(lambda o: f"测试工会{o.code}")
    level = Level.PROVINCE
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else ''}{o.code}/")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASEWORKER
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    file_no = factory.Sequence(lambda n: f"HH{n:06d}")
    organisation = factory.SubFactory(OrganisationFactory)
    kind = "worker"
    applied_on = D(2013, 1, 10)
    reviewed_on = D(2013, 1, 20)
    filed_on = D(2013, 2, 1)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["seq"]

    seq = factory.Sequence(lambda n: n)
    id_number = factory.LazyAttribute(lambda o: sample_id_number(o.seq))
    name = factory.Sequence(lambda n: f"张{n}明")
    phone = "13800000000"
    household = None
    organisation = factory.LazyAttribute(lambda o: o.household.organisation if o.household else OrganisationFactory())
    relationship = factory.LazyAttribute(lambda o: "child" if o.household else "")


class AnnualReviewFactory(DjangoModelFactory):
    class Meta:
        model = AnnualReview

    household = factory.SubFactory(HouseholdFactory)
    reviewed_on = D(2014, 3, 1)
    outcome = "confirmed"


class SchoolingFactory(DjangoModelFactory):
    class Meta:
        model = Schooling

    ref = factory.Sequence(lambda n: f"S{n:06d}")
    person = factory.SubFactory(PersonFactory)
    stage = "primary"
    school = "第一小学"
    entered_on = D(2013, 9, 1)


class GraduateFactory(DjangoModelFactory):
    class Meta:
        model = Graduate

    person = factory.SubFactory(PersonFactory, household=factory.SubFactory(HouseholdFactory))
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    graduation_year = 2014
    university = "郑州大学"
    university_local = True
    origin_local = True
    registered_on = D(2014, 6, 1)


class RecordFactory(DjangoModelFactory):
    ref = factory.Sequence(lambda n: f"R{n:06d}")
    organisation = factory.SubFactory(OrganisationFactory)


class PersonRecordFactory(RecordFactory):
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))


class NoticeFactory(RecordFactory):
    class Meta:
        model = Notice

    title = "金秋助学公示"
    posted_at = "职工所在单位"
    starts_on = D(2014, 6, 1)
    ends_on = D(2014, 6, 7)


class NoticeEntryFactory(DjangoModelFactory):
    class Meta:
        model = NoticeEntry

    notice = factory.SubFactory(NoticeFactory)
    person = factory.SubFactory(PersonFactory)
    amount = Decimal("1000.00")


class ObjectionFactory(DjangoModelFactory):
    class Meta:
        model = Objection

    notice = factory.SubFactory(NoticeFactory)
    person = factory.SubFactory(PersonFactory)
    raised_on = D(2014, 6, 3)
    upheld = False


class FundReceiptFactory(RecordFactory):
    class Meta:
        model = FundReceipt

    programme = "student_aid"
    source = "union"
    received_on = D(2014, 5, 1)
    amount = Decimal("10000.00")


class ExpenditureFactory(RecordFactory):
    class Meta:
        model = Expenditure

    programme = "employment"
    use = "training"
    spent_on = D(2014, 5, 1)
    amount = Decimal("5000.00")


class AidGrantFactory(PersonRecordFactory):
    class Meta:
        model = AidGrant

    granted_on = D(2014, 8, 1)
    amount = Decimal("1000.00")


class AssistanceMeasureFactory(RecordFactory):
    class Meta:
        model = AssistanceMeasure

    household = factory.SubFactory(HouseholdFactory)
    organisation = factory.LazyAttribute(lambda o: o.household.organisation)
    type = "living"
    provided_on = D(2014, 1, 20)
    amount = Decimal("500.00")


class WorkStudyOfferFactory(RecordFactory):
    class Meta:
        model = WorkStudyOffer

    unit_name = "爱心企业"
    offered_on = D(2014, 7, 1)
    posts = 5


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"INST{n:06d}")
    name = factory.Sequence(lambda n: f"培训学校{n}")
    organisation = factory.SubFactory(OrganisationFactory)


class TrainingFactory(PersonRecordFactory):
    class Meta:
        model = Training

    institution = factory.SubFactory(InstitutionFactory, organisation=factory.SelfAttribute("..organisation"))
    type = "skills"
    category = Category.LAID_OFF
    started_on = D(2014, 3, 1)
    ended_on = D(2014, 4, 1)


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = Certificate

    ref = factory.Sequence(lambda n: f"C{n:06d}")
    person = factory.SubFactory(PersonFactory)
    issuer = "labour_dept"
    level = "junior"
    issued_on = D(2014, 5, 1)
    via_assessment = False


class PlacementFactory(PersonRecordFactory):
    class Meta:
        model = Placement

    employer = "某某公司"
    channel = "union_referral"
    category = Category.LAID_OFF
    employed_on = D(2014, 5, 1)
    contract_months = 12


class LoanFactory(PersonRecordFactory):
    class Meta:
        model = Loan

    kind = "small_loan"
    category = Category.LAID_OFF
    lent_on = D(2014, 4, 1)
    amount = Decimal("50000.00")
    jobs_created = 2


class ServiceFactory(PersonRecordFactory):
    class Meta:
        model = Service

    type = "job_introduction"
    served_on = D(2014, 4, 1)
    amount = None


class JobFairFactory(RecordFactory):
    class Meta:
        model = JobFair

    name = "专场招聘会"
    held_on = D(2014, 5, 20)
    positions_total = 100
    positions_for_graduates = 40


class PositionOfferFactory(RecordFactory):
    class Meta:
        model = PositionOffer

    employer = "国有企业"
    employer_type = "state_owned"
    offered_on = D(2014, 6, 1)
    positions = 10


class AssistancePlanFactory(DjangoModelFactory):
    class Meta:
        model = AssistancePlan

    graduate = factory.SubFactory(GraduateFactory)
    made_on = D(2014, 6, 10)
    content = "推荐岗位，跟踪回访"


class PairingFactory(DjangoModelFactory):
    class Meta:
        model = Pairing

    graduate = factory.SubFactory(GraduateFactory)
    mentor = "李劳模"
    mentor_kind = "model_worker"
    since = D(2014, 6, 15)


def _filing_for(submission):
    from stats.services import return_file

    return return_file(
        organisation=submission.organisation,
        attachment=submission.attachment,
        year=submission.year,
        cutoff=submission.cutoff,
        preparer="张三",
        phone="0371-12345678",
        acting_user=submission.submitted_by,
        reason="测试报送",
    )


class ReturnSubmissionFactory(DjangoModelFactory):
    """A submitted return (version 1) with a tiny PDF summary; the figures filed through ``return_file``."""

    class Meta:
        model = "stats.ReturnSubmission"

    organisation = factory.SubFactory(OrganisationFactory)
    attachment = 1
    year = 2014
    cutoff = D(2014, 11, 30)
    version = 1
    submitted_by = factory.LazyAttribute(
        lambda o: UserFactory(organisation=o.organisation, role=Role.STATISTICS_OFFICER)
    )
    filing = factory.LazyAttribute(_filing_for)
    status = "submitted"
    summary_name = "年度总结.pdf"
    summary_type = "application/pdf"
    summary_content = b"%PDF-1.4 summary"
    summary_size = factory.LazyAttribute(lambda o: len(o.summary_content))
