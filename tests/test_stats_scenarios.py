"""Every cell of Attachments 1–3 against figures worked out by hand from factory-made records.

Each ``build_aN`` makes one scenario (the comments say why each record counts
or not); ``EXPECTED_AN`` is the hand-computed value of every cell key. The other
``test_stats_*`` modules reuse these builders.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from casework.choices import Level
from stats.definitions import ATTACHMENTS
from stats.engine import compute_return
from tests.factories import (
    AidGrantFactory,
    AssistancePlanFactory,
    CertificateFactory,
    ExpenditureFactory,
    FundReceiptFactory,
    GraduateFactory,
    HouseholdFactory,
    InstitutionFactory,
    JobFairFactory,
    LoanFactory,
    OrganisationFactory,
    PersonFactory,
    PlacementFactory,
    PositionOfferFactory,
    SchoolingFactory,
    ServiceFactory,
    TrainingFactory,
    WorkStudyOfferFactory,
)

D = datetime.date


def other_province(tree):
    return OrganisationFactory(code="420000", name="湖北省总工会", level=Level.PROVINCE, parent=tree.national)


def values(result):
    """Cell values as the JSON shows them (ints, or decimal strings in the cell's unit)."""
    return {key: entry["value"] for key, entry in result.as_dict()["cells"].items()}


# --- Attachment 1 ---------------------------------------------------------------------------------


def build_a1(tree):
    """Province 410000, year 2014, cut-off 11-30: P = [2014-01-01, 2014-11-30]."""
    hubei = other_province(tree)
    a, b = tree.county_a, tree.county_b
    p = SimpleNamespace(**{f"p{i}": PersonFactory(organisation=a) for i in range(1, 10)})
    p.non = PersonFactory(organisation=a)
    demo = InstitutionFactory(organisation=a, migrant_demo_base=True, employment_training_base=True)
    advanced = InstitutionFactory(organisation=b, advanced_institution=True)
    plain = InstitutionFactory(organisation=a)

    def training(person, org, type_, category, started, ended, institution):
        return TrainingFactory(
            person=person,
            organisation=org,
            type=type_,
            category=category,
            started_on=started,
            ended_on=ended,
            institution=institution,
        )

    t = SimpleNamespace()
    t.t1 = training(p.p1, a, "skills", "laid_off", D(2014, 1, 1), D(2014, 2, 1), demo)  # Jan 1 counts
    t.t2 = training(p.p1, tree.city_b, "entrepreneurship", "laid_off", D(2014, 3, 1), D(2014, 4, 1), plain)
    t.t3 = training(p.p2, a, "domestic_service", "migrant_worker", D(2014, 11, 30), D(2014, 11, 30), demo)  # C
    t.t4 = training(p.p3, a, "skills", "graduate", D(2013, 12, 31), D(2014, 1, 10), plain)  # a day before P
    t.t5 = training(p.p4, b, "domestic_service", "graduate", D(2014, 5, 1), D(2014, 6, 1), advanced)
    t.t6 = training(p.p5, a, "skills", "in_service", D(2014, 12, 1), D(2014, 12, 5), plain)  # a day after C
    t.t7 = training(p.p6, tree.city_a, "entrepreneurship", "migrant_worker", D(2014, 6, 1), D(2014, 6, 30), advanced)
    t.t8 = training(p.p4, a, "skills", "in_service", D(2014, 7, 1), D(2014, 7, 15), plain)
    t.t9 = training(p.p7, hubei, "skills", "laid_off", D(2014, 3, 1), D(2014, 3, 5), plain)  # other province

    CertificateFactory(person=p.p1, issuer="labour_dept", level="junior", issued_on=D(2014, 5, 1))
    CertificateFactory(person=p.p2, issuer="other", level="intermediate", issued_on=D(2014, 12, 1))  # after C
    CertificateFactory(person=p.p4, issuer="other", level="senior", issued_on=D(2014, 2, 1))  # before training
    CertificateFactory(person=p.p3, issuer="labour_dept", level="intermediate", issued_on=D(2014, 6, 1))  # no a1.1
    CertificateFactory(person=p.p6, issuer="labour_dept", level="technician", issued_on=D(2013, 12, 31))
    CertificateFactory(person=p.p6, issuer="labour_dept", level="intermediate", issued_on=D(2014, 11, 30))

    def placement(person, org, channel, category, employed, months=0):
        return PlacementFactory(
            person=person,
            organisation=org,
            channel=channel,
            category=category,
            employed_on=employed,
            contract_months=months,
        )

    placement(p.p1, hubei, "self_found", "laid_off", D(2014, 2, 1))  # = t1.ended_on, recorded elsewhere
    placement(p.p2, a, "union_referral", "migrant_worker", D(2014, 12, 1), 12)  # after C
    placement(p.p4, a, "union_referral", "graduate", D(2014, 5, 15), 12)  # before p4's trainings ended
    placement(p.p6, b, "union_referral", "migrant_worker", D(2014, 7, 1), 6)
    placement(p.p8, tree.city_a, "union_referral", "migrant_worker", D(2014, 1, 1), 24)
    placement(p.p8, a, "union_referral", "migrant_worker", D(2014, 3, 1), 0)  # p8 twice: once
    placement(p.p9, hubei, "union_referral", "graduate", D(2014, 5, 1), 12)  # other province
    placement(p.p2, b, "enterprise_programme", "migrant_worker", D(2014, 11, 30))  # after t3, on C

    def loan(person, org, kind, category, lent, amount, jobs):
        return LoanFactory(
            person=person,
            organisation=org,
            kind=kind,
            category=category,
            lent_on=lent,
            amount=Decimal(amount),
            jobs_created=jobs,
        )

    loan(p.p1, a, "small_loan", "laid_off", D(2014, 4, 1), "50000.00", 2)
    loan(p.p1, b, "small_borrowing", "laid_off", D(2014, 6, 1), "12345.67", 1)
    loan(p.p2, a, "assisted_loan", "migrant_worker", D(2014, 5, 1), "30000.00", 3)
    loan(p.p4, tree.city_a, "small_loan", "graduate", D(2014, 8, 1), "12250.00", 0)  # 1.225 万元 → 1.23
    loan(p.p6, a, "guaranteed_loan", "graduate", D(2014, 5, 1), "80000.00", 1)  # an A1 loan, and a 助贷
    loan(p.p8, a, "small_loan", "migrant_worker", D(2013, 12, 31), "10000.00", 1)  # before P
    loan(p.p2, a, "small_loan", "migrant_worker", D(2014, 9, 1), "5000.00", 1)

    def service(person, org, type_, served):
        return ServiceFactory(person=person, organisation=org, type=type_, served_on=served)

    service(p.p1, a, "job_introduction", D(2014, 4, 1))
    service(p.p8, a, "job_introduction", D(2014, 4, 1))  # p8 also has a referral: once
    service(p.p3, a, "labour_export", D(2014, 5, 1))
    service(p.p3, b, "labour_export", D(2014, 6, 1))  # p3 twice: once
    service(p.p5, a, "entrepreneurship_consulting", D(2014, 5, 1))
    service(p.p5, a, "rights_protection", D(2014, 5, 1))
    service(p.p9, hubei, "legal_aid", D(2014, 5, 1))  # other province
    service(p.p1, a, "legal_aid", D(2014, 12, 1))  # after C
    service(p.p2, a, "legal_aid", D(2014, 10, 1))

    def fund(org, programme, source, received, amount):
        return FundReceiptFactory(
            organisation=org, programme=programme, source=source, received_on=received, amount=Decimal(amount)
        )

    fund(a, "employment", "central_finance", D(2014, 3, 1), "100000.00")
    fund(tree.city_b, "employment", "local_finance", D(2014, 11, 30), "55555.55")
    fund(tree.province, "employment", "union", D(2014, 1, 1), "12345.00")
    fund(b, "employment", "social_donation", D(2014, 12, 1), "999.00")  # after C
    fund(a, "student_aid", "union", D(2014, 3, 1), "99999.00")  # other programme
    fund(b, "employment", "social_donation", D(2014, 6, 1), "5.00")

    def spend(org, programme, use, spent, amount):
        return ExpenditureFactory(
            organisation=org, programme=programme, use=use, spent_on=spent, amount=Decimal(amount)
        )

    spend(a, "employment", "training", D(2014, 5, 1), "30000.00")
    spend(b, "employment", "job_introduction", D(2014, 6, 1), "12500.00")
    spend(a, "employment", "other", D(2014, 7, 1), "1000.00")
    spend(a, "student_aid", "training", D(2014, 5, 1), "7000.00")  # other programme
    return SimpleNamespace(persons=p, trainings=t, demo=demo, advanced=advanced, plain=plain, hubei=hubei)


EXPECTED_A1 = {
    # persons with a training in P in the province: p1 (t1, t2), p2 (t3), p4 (t5, t8), p6 (t7)
    "a1.1": 4,
    "a1.1.cert_labour": 2,  # p1 (05-01), p6 (11-30); p6's 2013 one and p3 (no training) do not count
    "a1.1.cert_other": 1,  # p4 (issued before the training, in P); p2's is after C
    "a1.1.cert_mid_high": 2,  # p4 senior, p6 intermediate
    "a1.1.1": 1,  # p1
    "a1.1.2": 2,  # p2, p6
    "a1.1.3": 1,  # p4 (t5)
    "a1.1.4": 1,  # p4 (t8): a person in two categories counts in both
    "a1.1.5": 2,  # t2 p1, t7 p6
    "a1.1.5.laid_off": 1,
    "a1.1.5.migrant_worker": 1,
    "a1.1.5.graduate": 0,
    "a1.1.6": 2,  # t3 p2, t5 p4
    "a1.1.6.laid_off": 0,
    "a1.1.6.migrant_worker": 1,
    "a1.1.6.graduate": 1,
    "a1.1.7": 3,  # p1 (employed on t1's end, elsewhere), p6 (07-01 after t7), p2 (11-30 after t3)
    "a1.1.7.domestic": 1,  # p2
    "a1.2": 3,  # referrals in P: p4, p6, p8 (twice)
    "a1.2.1": 2,  # p6, p8
    "a1.2.2": 1,  # p4
    "a1.2.3": 2,  # p4 (12 months), p8 (24 months)
    # A1 loans in P: p1 50000 + 12345.67, p2 30000 (assisted) + 5000, p4 12250, p6 80000 (guaranteed)
    "a1.3.persons": 4,  # p1, p2, p4, p6
    "a1.3.count": 6,
    "a1.3.amount": "18.96",  # 189595.67
    "a1.3.jobs": 8,
    "a1.3.migrant.persons": 1,
    "a1.3.migrant.count": 2,
    "a1.3.migrant.amount": "3.50",
    "a1.3.graduate.persons": 2,  # p4, p6
    "a1.3.graduate.count": 2,
    "a1.3.graduate.amount": "9.23",  # 92250: 9.225 rounded half-up
    "a1.3.assisted.persons": 2,  # p2 (assisted_loan), p6 (guaranteed_loan)
    "a1.3.assisted.count": 2,
    "a1.3.assisted.amount": "11.00",
    # skills 2 (p1, p4) + entrepreneurship 2 + domestic 2 + job introduction 4 (p1, p8 services; p4, p6, p8
    # referrals) + small loans 4 + labour export 1 + consulting 1 + rights 1 + legal aid 1 (p2)
    "a1.4": 18,
    "a1.5": "16.79",  # 167905.55
    "a1.5.central_finance": "10.00",
    "a1.5.local_finance": "5.56",
    "a1.5.union": "1.23",
    "a1.5.social_donation": "0.00",  # 5 yuan
    "a1.6": "4.35",
    "a1.6.training": "3.00",
    "a1.6.job_introduction": "1.25",
    "a1.7": 2,  # demo base: t1 p1 skills, t3 p2 domestic
    "a1.7.skills": 1,
    "a1.7.domestic_service": 1,
    "a1.7.entrepreneurship": 0,
    "a1.8": 2,  # the same institution is also an employment training base
    "a1.8.skills": 1,
    "a1.8.domestic_service": 1,
    "a1.8.entrepreneurship": 0,
    "a1.9": 2,  # advanced: t5 p4 domestic, t7 p6 entrepreneurship
    "a1.9.skills": 0,
    "a1.9.domestic_service": 1,
    "a1.9.entrepreneurship": 1,
}


def test_attachment1_every_cell(tree):
    build_a1(tree)
    result = compute_return(1, year=2014, org_code="410000")
    assert set(EXPECTED_A1) == {cell.key for cell in ATTACHMENTS[1].table_cells}
    assert values(result) == EXPECTED_A1
    data = result.as_dict()
    assert data["cutoff"] == "2014-11-30"
    assert data["cells"]["a1.3.amount"] == {
        "label": "贷（借）款金额合计（含助贷）",
        "unit": "万元",
        "value": "18.96",
        "yuan": "189595.67",
    }
    assert data["cells"]["a1.5.social_donation"]["yuan"] == "5.00"
    assert data["components"]["a1.4.job_introduction"]["value"] == 4
    assert data["components"]["a1.1.cert_any"]["value"] == 3  # p1, p4, p6
    assert data["components"]["a1.1.1.employed"]["value"] == 1  # p1
    # 1 + 2 + 1 + 1 = 5 persons in the category rows for 4 trained: flagged, not corrected
    assert [w["total"] for w in data["warnings"]] == ["a1.1"]


def test_attachment1_sibling_records_excluded(tree):
    """City A's return: its county's and its own records only; city B's are a sibling's."""
    build_a1(tree)
    got = values(compute_return(1, year=2014, org_code="410100"))
    assert got["a1.1"] == 4  # p1 t1, p2 t3, p4 t8 (county A), p6 t7 (city A)
    assert got["a1.1.5"] == 1  # t7 only: t2 was recorded by city B
    assert got["a1.1.6"] == 1  # t3 only: t5 was recorded by county B
    assert got["a1.2"] == 2  # p4, p8
    assert got["a1.3.count"] == 5  # not p1's borrowing recorded by county B
    assert got["a1.5"] == "10.00"  # the province's and city B's receipts are outside
    assert got["a1.9"] == 1  # t7 (city A) at the advanced institution; t5 is county B's


def test_attachment1_stage_cutoff(tree):
    """The stage report (cut-off 08-31) leaves out what happened from September."""
    build_a1(tree)
    got = values(compute_return(1, year=2014, org_code="410000", cutoff=D(2014, 8, 31)))
    assert got["a1.1"] == 3  # not p2 (t3 started on 11-30)
    assert got["a1.1.7"] == 2  # p1, p6
    assert got["a1.3.count"] == 5  # not the 09-01 loan
    assert got["a1.5"] == "11.24"  # 100000 + 12345 + 5 = 11.235 万元, half-up


def test_person_served_in_two_counties_counted_once_at_the_province(tree):
    person = PersonFactory(organisation=tree.county_a)
    TrainingFactory(person=person, organisation=tree.county_a, started_on=D(2014, 3, 1), ended_on=D(2014, 3, 9))
    TrainingFactory(person=person, organisation=tree.county_b, started_on=D(2014, 4, 1), ended_on=D(2014, 4, 9))
    assert compute_return(1, year=2014, org_code="410000").values["a1.1"] == 1
    assert compute_return(1, year=2014, org_code="410181").values["a1.1"] == 1
    assert compute_return(1, year=2014, org_code="410381").values["a1.1"] == 1


# --- Attachment 2 ---------------------------------------------------------------------------------


def build_a2(tree):
    """Province 410000, year 2014, cut-off 09-10: P = [2014-01-01, 2014-09-10]."""
    hubei = other_province(tree)
    a, b = tree.county_a, tree.county_b

    def graduate(org, year, registered, local=True, exited=None):
        return GraduateFactory(
            organisation=org,
            graduation_year=year,
            university_local=local,
            registered_on=registered,
            exited_on=exited,
            person__household__organisation=org,
            person__organisation=org,
        )

    g = SimpleNamespace()
    g.g1 = graduate(a, 2014, D(2014, 6, 1))  # fresh
    g.g2 = graduate(tree.city_b, 2013, D(2013, 7, 1), local=False)  # previous
    g.g3 = graduate(b, 2014, D(2014, 9, 10))  # registered on C: fresh
    g.g4 = graduate(a, 2014, D(2014, 9, 11))  # registered after C: out
    g.g5 = graduate(a, 2015, D(2014, 5, 1))  # graduates after Y: out
    g.g6 = graduate(a, 2012, D(2012, 7, 1), exited=D(2013, 12, 31))  # left before Y: out
    g.g7 = graduate(a, 2012, D(2012, 7, 1), local=False, exited=D(2014, 1, 1))  # left on Jan 1: in, previous
    g.g8 = graduate(hubei, 2014, D(2014, 6, 1))  # other province
    g.g9 = graduate(a, 2014, D(2014, 2, 1))  # fresh, local, never employed
    g.g10 = graduate(a, 2014, D(2014, 3, 1), local=False)  # fresh, studied elsewhere, never employed
    non = PersonFactory(organisation=a)  # not a registered graduate

    def placement(grad, org, channel, employed):
        person = grad.person if hasattr(grad, "person") else grad
        return PlacementFactory(
            person=person, organisation=org, channel=channel, category="graduate", employed_on=employed
        )

    placement(g.g2, tree.city_b, "self_found", D(2014, 3, 1))
    placement(g.g7, a, "self_found", D(2014, 9, 11))  # after C: neither self-employed nor employed by C
    placement(g.g1, a, "union_referral", D(2014, 8, 1))
    placement(g.g3, hubei, "enterprise_programme", D(2014, 9, 10))  # employed by C, recorded elsewhere
    placement(g.g1, b, "public_welfare_post", D(2014, 9, 1))
    placement(non, a, "union_referral", D(2014, 5, 1))  # not a graduate
    placement(g.g5, a, "union_referral", D(2014, 4, 1))  # registered (out of a2.1, still a graduate's record)

    AssistancePlanFactory(graduate=g.g7, made_on=D(2014, 8, 1))
    AssistancePlanFactory(graduate=g.g9, made_on=D(2014, 9, 11))  # after C

    def service(grad, org, type_, served, amount=None):
        person = grad.person if hasattr(grad, "person") else grad
        return ServiceFactory(
            person=person, organisation=org, type=type_, served_on=served, amount=Decimal(amount) if amount else None
        )

    service(g.g1, a, "internship", D(2014, 5, 1))
    service(g.g1, a, "internship", D(2014, 6, 1))  # person-times: twice
    service(non, a, "internship", D(2014, 5, 1))
    service(g.g2, a, "internship", D(2014, 9, 11))  # after C
    service(g.g8, hubei, "internship", D(2014, 5, 1))
    service(g.g3, b, "entrepreneurship_guidance", D(2014, 1, 1))
    service(g.g2, tree.city_b, "policy_assistance", D(2014, 4, 1))
    service(g.g10, a, "policy_assistance", D(2014, 4, 2))
    service(g.g1, a, "job_search_subsidy", D(2014, 7, 1), "1000.00")
    service(g.g9, a, "job_search_subsidy", D(2014, 7, 2), "1250.00")  # 0.225 万元 → 0.23

    def training(grad, type_, started):
        person = grad.person if hasattr(grad, "person") else grad
        return TrainingFactory(
            person=person, organisation=a, type=type_, category="graduate", started_on=started, ended_on=started
        )

    training(g.g1, "skills", D(2014, 3, 1))
    training(g.g7, "skills", D(2014, 9, 10))
    training(non, "skills", D(2014, 3, 1))
    training(g.g9, "entrepreneurship", D(2014, 2, 1))

    CertificateFactory(person=g.g1.person, via_assessment=True, issued_on=D(2014, 4, 1))
    CertificateFactory(person=g.g1.person, via_assessment=False, issued_on=D(2014, 4, 2))
    CertificateFactory(person=g.g8.person, via_assessment=True, issued_on=D(2014, 4, 1))  # registered in Hubei
    CertificateFactory(person=g.g2.person, via_assessment=True, issued_on=D(2014, 9, 11))  # after C
    CertificateFactory(person=g.g5.person, via_assessment=True, issued_on=D(2014, 5, 1))  # registration in scope

    JobFairFactory(organisation=a, held_on=D(2014, 5, 20), positions_total=100, positions_for_graduates=40)
    JobFairFactory(organisation=tree.city_b, held_on=D(2014, 9, 10), positions_total=20, positions_for_graduates=15)
    JobFairFactory(organisation=a, held_on=D(2014, 9, 11), positions_total=50, positions_for_graduates=50)
    JobFairFactory(organisation=hubei, held_on=D(2014, 5, 20), positions_total=50, positions_for_graduates=50)
    PositionOfferFactory(organisation=a, offered_on=D(2014, 6, 1), positions=10)
    PositionOfferFactory(organisation=b, offered_on=D(2014, 1, 1), positions=7)
    PositionOfferFactory(organisation=a, offered_on=D(2013, 12, 31), positions=30)

    def loan(grad, org, kind, amount):
        person = grad.person if hasattr(grad, "person") else grad
        return LoanFactory(person=person, organisation=org, kind=kind, lent_on=D(2014, 5, 1), amount=Decimal(amount))

    loan(g.g1, a, "guaranteed_loan", "50000.25")
    loan(g.g3, b, "guaranteed_loan", "20000.00")
    loan(g.g1, a, "small_loan", "1000.00")
    loan(non, a, "guaranteed_loan", "9000.00")
    return SimpleNamespace(graduates=g, non=non, hubei=hubei)


EXPECTED_A2 = {
    "a2.1": 6,  # g1, g2, g3, g7, g9, g10
    "a2.1.fresh": 4,  # g1, g3, g9, g10
    "a2.1.previous": 2,  # g2, g7
    "a2.1.self_employed": 1,  # g2
    "a2.1.needs_help": 5,
    "a2.2": 2,  # g1 twice
    "a2.3.training": 2,  # g1, g7 (on C)
    "a2.3.certified": 2,  # g1, g5 (registration in scope)
    "a2.4.fairs": 2,
    "a2.4.positions": 55,
    "a2.5": 17,
    "a2.6.guidance": 1,
    "a2.6.training": 1,
    "a2.6.guaranteed_loans": 2,
    "a2.6.guaranteed_amount": "70000.25",
    "a2.7": 2,
    "a2.8": 3,  # g1 twice, g5; not g3's (Hubei), not the non-graduate's, not self-found
    "a2.9.subsidised": 2,
    "a2.9.amount": "0.23",
    "a2.10": 1,  # g9 (g1 and g3 employed by C, g10 studied elsewhere)
    "a2.11": 1,  # g7 (employed only after C); g2 self-employed
}


def test_attachment2_every_cell(tree):
    build_a2(tree)
    result = compute_return(2, year=2014, org_code="410000")
    assert set(EXPECTED_A2) == {cell.key for cell in ATTACHMENTS[2].table_cells}
    assert values(result) == EXPECTED_A2
    data = result.as_dict()
    assert data["cutoff"] == "2014-09-10"
    assert data["cells"]["a2.6.guaranteed_amount"]["yuan"] == "70000.25"
    assert data["cells"]["a2.9.amount"]["yuan"] == "2250.00"
    assert data["components"]["a2.1.needs_help.planned"]["value"] == 1  # g7; g9's plan is after C
    assert data["components"]["a2.1.needs_help.employed"]["value"] == 2  # g1, g3
    assert data["warnings"] == []


def test_attachment2_org_scope(tree):
    build_a2(tree)
    got = values(compute_return(2, year=2014, org_code="410300"))  # city B and county B
    assert got["a2.1"] == 2  # g2, g3
    assert got["a2.1.self_employed"] == 1
    assert got["a2.2"] == 0
    assert got["a2.3.certified"] == 0  # g2's is after C
    assert got["a2.6.guaranteed_amount"] == "20000.00"
    assert got["a2.8"] == 1  # g1's public welfare post recorded by county B


# --- Attachment 3 ---------------------------------------------------------------------------------


def build_a3(tree):
    """Province 410000, year 2014, cut-off 08-31: P = [2014-01-01, 2014-08-31]."""
    hubei = other_province(tree)
    a, b = tree.county_a, tree.county_b
    h = SimpleNamespace(
        h1=HouseholdFactory(organisation=a, kind="worker", filed_on=D(2013, 2, 1)),
        h2=HouseholdFactory(
            organisation=b,
            kind="migrant_worker",
            single_parent_female=True,
            applied_on=D(2014, 2, 1),
            reviewed_on=D(2014, 2, 10),
            filed_on=D(2014, 3, 1),
        ),
        h3=HouseholdFactory(organisation=a, applied_on=D(2014, 8, 1), reviewed_on=None, filed_on=D(2014, 9, 1)),
        h4=HouseholdFactory(
            organisation=a,
            kind="migrant_worker",
            applied_on=D(2012, 12, 1),
            filed_on=D(2013, 1, 1),
            closed_on=D(2014, 8, 31),
        ),
        h5=HouseholdFactory(organisation=hubei),
    )
    k = SimpleNamespace(
        k1=PersonFactory(household=h.h1),
        k2=PersonFactory(household=h.h2),
        k3=PersonFactory(household=h.h3),
        k4=PersonFactory(household=h.h4),
        k5=PersonFactory(household=h.h5),
        k6=PersonFactory(household=h.h2),
    )
    SchoolingFactory(person=k.k1, stage="primary", entered_on=D(2008, 9, 1))
    SchoolingFactory(person=k.k1, stage="junior_secondary", entered_on=D(2014, 8, 31))  # on C
    SchoolingFactory(person=k.k2, stage="senior_secondary", entered_on=D(2014, 1, 1))  # Jan 1
    SchoolingFactory(person=k.k3, stage="undergraduate", entered_on=D(2014, 8, 1))  # household not yet on file
    SchoolingFactory(person=k.k4, stage="junior_college", entered_on=D(2014, 3, 1))  # file closed on C
    SchoolingFactory(person=k.k5, stage="primary", entered_on=D(2014, 3, 1))  # other province
    SchoolingFactory(person=k.k6, stage="secondary_vocational", entered_on=D(2014, 2, 1))
    SchoolingFactory(person=k.k6, stage="junior_college", entered_on=D(2014, 6, 1))  # k6 in two groups
    SchoolingFactory(person=k.k2, stage="postgraduate", entered_on=D(2014, 9, 1))  # after C

    def grant(person, org, granted, amount):
        return AidGrantFactory(person=person, organisation=org, granted_on=granted, amount=Decimal(amount))

    grant(k.k1, a, D(2014, 8, 15), "1000.00")  # in force: primary (2008)
    grant(k.k1, a, D(2014, 8, 31), "1500.00")  # in force: junior secondary entered that day
    grant(k.k2, b, D(2014, 5, 1), "2000.00")  # senior secondary
    grant(k.k6, b, D(2014, 3, 1), "1234.56")  # secondary vocational
    grant(k.k6, b, D(2014, 7, 1), "1000.00")  # junior college
    grant(k.k3, a, D(2014, 8, 20), "3000.00")  # undergraduate
    grant(k.k4, a, D(2014, 2, 1), "800.00")  # no schooling in force yet: totals only
    grant(k.k5, hubei, D(2014, 5, 1), "500.00")  # other province
    grant(k.k1, a, D(2014, 9, 1), "700.00")  # after C
    grant(k.k2, b, D(2013, 12, 31), "600.00")  # before P

    def fund(org, programme, source, received, amount):
        return FundReceiptFactory(
            organisation=org, programme=programme, source=source, received_on=received, amount=Decimal(amount)
        )

    fund(a, "student_aid", "government", D(2014, 8, 31), "50000.00")
    fund(b, "student_aid", "social_donation", D(2014, 1, 1), "12345.00")
    fund(tree.city_a, "student_aid", "union", D(2014, 4, 1), "7654.32")
    fund(a, "student_aid", "union", D(2014, 9, 1), "1000.00")  # after C
    fund(a, "employment", "union", D(2014, 4, 1), "1000.00")  # other programme
    fund(hubei, "student_aid", "union", D(2014, 4, 1), "1000.00")  # other province

    WorkStudyOfferFactory(organisation=a, unit_name=" 爱心企业 ", offered_on=D(2014, 7, 1), posts=5)
    WorkStudyOfferFactory(organisation=b, unit_name="爱心企业", offered_on=D(2014, 8, 1), posts=3)
    WorkStudyOfferFactory(organisation=tree.city_a, unit_name="希望公司", offered_on=D(2014, 3, 1), posts=2)
    WorkStudyOfferFactory(organisation=hubei, unit_name="外省企业", offered_on=D(2014, 3, 1), posts=9)
    WorkStudyOfferFactory(organisation=a, unit_name="新公司", offered_on=D(2014, 9, 1), posts=4)  # after C
    return SimpleNamespace(households=h, children=k, hubei=hubei)


EXPECTED_A3 = {
    "a3.1": "7.00",  # 69999.32
    "a3.1.government": "5.00",
    "a3.1.social_donation": "1.23",  # 1.2345
    "a3.1.union": "0.77",  # 0.765432
    "a3.2": "1.05",  # 10534.56
    "a3.2.primary_junior": "0.25",  # k1: 1000 + 1500
    "a3.2.senior_vocational": "0.32",  # k2 2000 + k6 1234.56
    "a3.2.college_plus": "0.40",  # k6 1000 + k3 3000
    "a3.3": 3,  # k1, k2, k6 (k3: not on file on C; k4: closed on C; k5: Hubei)
    "a3.3.primary_junior": 1,  # k1
    "a3.3.senior_vocational": 2,  # k2, k6
    "a3.3.college_plus": 1,  # k6
    "a3.4": 5,  # k1, k2, k3, k4, k6
    "a3.4.primary_junior": 1,
    "a3.4.senior_vocational": 2,
    "a3.4.college_plus": 2,  # k6, k3
    "a3.5.persons": 3,  # k2, k6 (h2), k4 (h4)
    "a3.5.amount": "0.50",  # 5034.56
    "a3.5.primary_junior.persons": 0,
    "a3.5.primary_junior.amount": "0.00",
    "a3.5.senior_vocational.persons": 2,
    "a3.5.senior_vocational.amount": "0.32",
    "a3.5.college_plus.persons": 1,
    "a3.5.college_plus.amount": "0.10",
    "a3.6.persons": 2,  # h2: k2, k6
    "a3.6.amount": "0.42",  # 4234.56
    "a3.7.units": 2,  # 爱心企业 (trimmed, twice), 希望公司
    "a3.7.posts": 10,
}


def test_attachment3_every_cell(tree):
    build_a3(tree)
    result = compute_return(3, year=2014, org_code="410000")
    assert set(EXPECTED_A3) == {cell.key for cell in ATTACHMENTS[3].table_cells}
    assert values(result) == EXPECTED_A3
    data = result.as_dict()
    assert data["cutoff"] == "2014-08-31"
    assert data["cells"]["a3.2"]["yuan"] == "10534.56"
    # k6 entered two stage groups: 1 + 2 + 1 = 4 > 3
    assert [w["total"] for w in data["warnings"]] == ["a3.3"]


def test_attachment3_org_scope_by_household(tree):
    """School entries are in scope by the household's organisation; grants by the grant's."""
    build_a3(tree)
    got = values(compute_return(3, year=2014, org_code="410381"))  # county B: h2, its grants
    assert got["a3.3"] == 2  # k2, k6
    assert got["a3.4"] == 2
    assert got["a3.2"] == "0.42"  # 4234.56
    assert got["a3.7.units"] == 1
    assert got["a3.1"] == "1.23"


@pytest.mark.parametrize(
    ("amounts", "wan", "yuan"),
    [
        (["12250.00"], "1.23", "12250.00"),  # half-up, not to even
        (["12249.99"], "1.22", "12249.99"),
        (["0.01", "0.02"], "0.00", "0.03"),
        (["49.99", "0.01"], "0.01", "50.00"),  # 0.005 → 0.01
        (["123456.00"], "12.35", "123456.00"),  # returns.md's example
    ],
)
def test_money_rounding_half_up(tree, amounts, wan, yuan):
    for amount in amounts:
        AidGrantFactory(organisation=tree.county_a, granted_on=D(2014, 5, 1), amount=Decimal(amount))
    cell = compute_return(3, year=2014, org_code="410000").as_dict()["cells"]["a3.2"]
    assert (cell["value"], cell["yuan"]) == (wan, yuan)


def test_every_table_cell_has_one_blank_in_the_layout():
    import re

    for attachment in ATTACHMENTS.values():
        blanks = re.findall(r"\{(a[123]\.[a-z0-9_.]+)\}", "".join(attachment.layout))
        assert sorted(blanks) == sorted(cell.key for cell in attachment.table_cells)
