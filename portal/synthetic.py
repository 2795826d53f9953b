"""Synthetic case data at national scale, for benchmarks and load tests.

:func:`generate` fills a migrated database with a union tree (national 100000 →
province 410000 → cities → their real counties → grassroots units, sized to the
number of persons), a caseworker and a reviewer for each county, and ``persons``
persons with their households, schooling, notices, student-aid grants and
employment records, in realistic proportions. The records read like real ones
(``portal/henan.py``): names fit the gender (the ID number's order digit) and
the decade of birth, children take the father's surname, ID numbers carry the
county's region code, school entries fall on 1 September at each stage's age,
phones use the city's area code, employers and schools are named after places,
and each county's files are opened by its caseworker and reviewed by its
reviewer (their history rows name the caseworker).

It writes with ``bulk_create`` in batches and one history ``+`` row per object
(user "synthetic", reason "synthetic data", dated on the record's own date so
that ``--as-recorded-at`` has a past to look at). Writing in bulk bypasses the
services and their guard rules, so the generator keeps the data consistent with
the rules of ``returns.md`` itself:

* a grant goes only to a member of a household on file on the grant date, with
  a schooling record in force on that date;
* every grant recipient is listed, with the grant as assistance standard, on a
  public notice of that year that ended before the grant, with no upheld
  objection against them (persons with an upheld objection get no grant);
* graduates are household members; dates are never in the future and ends
  never precede starts; amounts are positive.

The output depends only on ``seed`` (one ``random.Random``), except for the
Fernet tokens, whose IV and timestamp are random by design.
"""

import datetime
import random
import time
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, reset_queries, transaction
from django.db.models import Max

from aid.models import AidGrant, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries.id_numbers import make_id_number
from beneficiaries.models import Graduate, Household, Person, Schooling
from casework.choices import Level, Role
from casework.models import Organisation, User
from employment.models import (
    Certificate,
    Institution,
    JobFair,
    Loan,
    Placement,
    PositionOffer,
    Service,
    Training,
)
from notices.models import Notice, NoticeEntry, Objection
from portal import henan

REASON = "synthetic data"
USERNAME = "synthetic"
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
LAST_YEAR = 2014
YEARS_OF_RECORDS = 3

CITIES = [(code, name) for code, name, _area, _digits in henan.CITIES]
# Schools, employers and places live in portal/henan.py (shared with ``load_demo``).
UNIVERSITIES_LOCAL = henan.UNIVERSITIES_LOCAL
TRAINING_SCHOOLS = [
    "职工技能培训中心",
    "工会职业培训学校",
    "就业训练中心",
    "家政服务培训学校",
    "技工学校",
    "农民工培训学校",
]


def _weighted(rng, table):
    """Pick a key of ``table`` ({value: weight}) with probability proportional to its weight."""
    return rng.choices(list(table), weights=list(table.values()))[0]


def _day(rng, start, end):
    """A random date in [start, end]."""
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _moment(rng, day):
    """When a record of ``day`` was entered: that day, during office hours, Beijing time."""
    return datetime.datetime(day.year, day.month, day.day, 8, 30, tzinfo=TZ) + datetime.timedelta(
        minutes=rng.randrange(540)
    )


def tree_size(persons):
    """How many (cities, counties, grassroots units) a tree for ``persons`` persons has."""
    cities = min(len(CITIES), max(2, persons // 600))
    counties = min(150, max(cities, persons // 70))
    grassroots = max(counties, persons // 100)
    return cities, counties, grassroots


class _Writer:
    """Buffers new objects with explicit primary keys and writes them, with history rows, in bulk."""

    ORDER = [
        Organisation,
        Institution,
        Household,
        Person,
        Schooling,
        Graduate,
        Notice,
        NoticeEntry,
        Objection,
        AidGrant,
        Training,
        Certificate,
        Placement,
        Loan,
        Service,
        JobFair,
        PositionOffer,
        WorkStudyOffer,
        FundReceipt,
        Expenditure,
    ]

    def __init__(self, user, batch_size):
        self.user = user
        self.batch_size = batch_size
        self.pending = defaultdict(list)
        self.counts = defaultdict(int)
        self.next_pk = {}
        for model in self.ORDER:
            self.next_pk[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def add(self, obj, moment, user=None):
        """Queue ``obj``; its history row is dated ``moment`` and names ``user`` (default: the system user)."""
        model = type(obj)
        obj.pk = self.next_pk[model]
        self.next_pk[model] += 1
        self.pending[model].append((obj, moment, user or self.user))
        return obj

    def flush(self):
        for model in self.ORDER:
            rows = self.pending.pop(model, None)
            if not rows:
                continue
            objs = [obj for obj, _, _ in rows]
            model.objects.bulk_create(objs, batch_size=self.batch_size)
            history = model.history.model
            kept = {f.attname for f in history._meta.concrete_fields}  # less a history's excluded fields
            attnames = [f.attname for f in model._meta.concrete_fields if f.attname in kept]
            model_history = [
                history(
                    **{a: getattr(obj, a) for a in attnames},
                    history_date=moment,
                    history_type="+",
                    history_change_reason=REASON,
                    history_user_id=user.pk,
                    history_user_name=user.username,
                )
                for obj, moment, user in rows
            ]
            history.objects.bulk_create(model_history, batch_size=self.batch_size)
            self.counts[model._meta.label] += len(objs)
        # With DEBUG on, Django keeps the text of the last 9,000 statements: megabytes each here.
        reset_queries()

    def reset_sequences(self):
        # Explicit keys leave PostgreSQL's sequences behind; SQLite's AUTOINCREMENT follows by itself.
        statements = connection.ops.sequence_reset_sql(no_style(), [User, *self.ORDER])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Generator:
    """One run of the generator; see the module docstring."""

    def __init__(self, *, persons, seed, batch_size=2000, chunk_persons=6000, last_year=LAST_YEAR, log=None):
        self.target = persons
        self.seed = seed
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.chunk_persons = chunk_persons
        self.last_year = last_year
        self.years = list(range(last_year - YEARS_OF_RECORDS + 1, last_year + 1))
        self.end = datetime.date(last_year, 12, 31)
        self.today = datetime.date.today()  # a school year that has not begun has no entries yet
        self.log = log or (lambda message: None)
        self.id_orders = defaultdict(int)
        self.refs = defaultdict(int)
        self.notices = {}
        self.objected = set()

    # ---- helpers -------------------------------------------------------------------------

    def ref(self, kind):
        self.refs[kind] += 1
        return f"S{self.seed}-{kind}{self.refs[kind]}"

    def name(self, male, born, surname=None):
        """A name fitting the gender and the decade of birth; ``surname`` for a child taking the father's."""
        return (surname or henan.surname(self.rng)) + henan.given_name(self.rng, male, born)

    def id_number(self, region, born, male):
        """A valid, unused number of ``region`` (the county's code); the order code's parity is the gender."""
        while True:
            key = (region, born, male)
            count = self.id_orders[key]
            if count < 500:
                self.id_orders[key] = count + 1
                return make_id_number(region, born, 2 * count + (1 if male else 0))
            born += datetime.timedelta(days=1)  # 500 of one gender born that day there: use the next day

    def phone(self, city_code):
        """Mostly a mobile; one in five a landline of the city's exchange."""
        return henan.landline(self.rng, city_code) if self.rng.random() < 0.2 else henan.mobile(self.rng)

    def money(self, low, high, step=100):
        return Decimal(self.rng.randrange(low, high + 1, step)).quantize(Decimal("0.01"))

    # ---- the tree -------------------------------------------------------------------------

    def build_tree(self):
        cities_n, counties_n, grassroots_n = tree_size(self.target)
        existing = {o.code: o for o in Organisation.objects.all()}
        made = []

        def unit(code, name, level, parent):
            if code in existing:
                return existing[code]
            org = Organisation(
                code=code, name=name, level=level, parent=parent, path=f"{parent.path if parent else ''}{code}/"
            )
            self.writer.add(org, datetime.datetime(2008, 1, 2, 9, 0, tzinfo=TZ))
            existing[code] = org
            made.append(org)
            return org

        national = unit("100000", "中华全国总工会", Level.NATIONAL, None)
        province = unit("410000", "河南省总工会", Level.PROVINCE, national)
        cities = [unit(code, f"{name}总工会", Level.CITY, province) for code, name in CITIES[:cities_n]]
        # The cities' real county-level units, taken in turn from each city (as long as it has more).
        queues = [list(henan.COUNTIES[city.code]) for city in cities]
        counties = []
        self.place_of = {}  # county pk → how schools and addresses name it (洛阳市涧西区, 巩义市)
        while len(counties) < counties_n:
            for city, queue in zip(cities, queues, strict=True):
                if queue and len(counties) < counties_n:
                    code, name = queue.pop(0)
                    place = henan.place_name(city.name[:-3], name)
                    county = unit(code, f"{place}总工会", Level.COUNTY, city)
                    self.place_of[county.pk] = place
                    counties.append(county)
        grassroots = []
        self.street_of = {}  # grassroots pk → its 街道/镇
        streets, communities = henan.STREETS, henan.COMMUNITIES
        for k in range(grassroots_n):
            county = counties[k % counties_n]
            number = k // counties_n
            street = streets[number % len(streets)]
            if number < len(streets):
                name = f"{self.place_of[county.pk]}{street}工会联合会"
            else:
                community = communities[(number // len(streets) - 1) % len(communities)]
                name = f"{self.place_of[county.pk]}{street}{community}社区工会"
            unit_ = unit(f"{county.code}{number + 1:04d}", name, Level.GRASSROOTS, county)
            self.street_of[unit_.pk] = street
            grassroots.append(unit_)
        self.national, self.province = national, province
        self.cities, self.counties, self.grassroots = cities, counties, grassroots
        self.parent_of = {o.pk: o.parent for o in existing.values() if o.parent is not None}
        self.city_of = {}
        for county in counties:
            self.city_of[county.pk] = county.parent
        for unit_ in grassroots:
            self.city_of[unit_.pk] = unit_.parent.parent

        # Training institutions: a few per city, some holding national designations.
        self.institutions = defaultdict(list)
        per_city = max(2, self.target // (2000 * cities_n))
        for city in cities:
            for n in range(per_city):
                inst = Institution(
                    code=f"S{self.seed}-I{city.code}-{n + 1}",
                    name=f"{city.name[:-3]}{TRAINING_SCHOOLS[n % len(TRAINING_SCHOOLS)]}"
                    + (f"第{n // len(TRAINING_SCHOOLS) + 1}分校" if n >= len(TRAINING_SCHOOLS) else ""),
                    organisation=city,
                    migrant_demo_base=self.rng.random() < 0.15,
                    employment_training_base=self.rng.random() < 0.15,
                    advanced_institution=self.rng.random() < 0.08,
                )
                self.institutions[city.pk].append(self.writer.add(inst, datetime.datetime(2009, 3, 1, 9, tzinfo=TZ)))
        return made

    def staff(self):
        """Each county's caseworker, who opens its files, and reviewer, who reviews and files them.

        Inactive accounts (nobody logs in as them), with explicit keys and one history row each.
        """
        rng = self.rng
        existing = {u.username: u for u in User.objects.filter(organisation__in=self.counties)}
        next_pk = (User.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        made = []
        self.caseworker_of, self.reviewer_of = {}, {}
        for county in self.counties:
            for role, accounts in ((Role.CASEWORKER, self.caseworker_of), (Role.REVIEWER, self.reviewer_of)):
                username = f"{role}_{county.code}"
                user = existing.get(username)
                if user is None:
                    male = rng.random() < 0.5
                    user = User(
                        pk=next_pk,
                        username=username,
                        first_name=self.name(male, _day(rng, datetime.date(1965, 1, 1), datetime.date(1990, 12, 31))),
                        organisation=county,
                        role=role,
                        is_active=False,
                    )
                    user.set_unusable_password()
                    next_pk += 1
                    made.append(user)
                accounts[county.pk] = user
        User.objects.bulk_create(made, batch_size=self.batch_size)
        history = User.history.model
        kept = {f.attname for f in history._meta.concrete_fields}
        attnames = [f.attname for f in User._meta.concrete_fields if f.attname in kept]
        moment = datetime.datetime(2008, 1, 2, 9, 30, tzinfo=TZ)
        history.objects.bulk_create(
            [
                history(
                    **{a: getattr(user, a) for a in attnames},
                    history_date=moment,
                    history_type="+",
                    history_change_reason=REASON,
                    history_user_id=self.writer.user.pk,
                    history_user_name=self.writer.user.username,
                )
                for user in made
            ],
            batch_size=self.batch_size,
        )
        self.writer.counts[User._meta.label] += len(made)

    def employer_near(self, org):
        """A workplace in the city of ``org`` (a city, county or grassroots unit), named after its county if local."""
        if org.level == Level.CITY:
            return self.rng.choice(henan.EMPLOYERS[org.code])
        county = org if org.level == Level.COUNTY else self.parent_of[org.pk]
        return henan.employer(self.rng, county.parent.code, self.place_of[county.pk])

    def recording_unit(self, grassroots_unit):
        """The unit that records a person's employment record: mostly the county, else grassroots or city."""
        roll = self.rng.random()
        county = self.parent_of[grassroots_unit.pk]
        if roll < 0.6:
            return county
        if roll < 0.9:
            return grassroots_unit
        return self.parent_of[county.pk]

    # ---- persons and households --------------------------------------------------------

    def person(self, *, unit, born, male, household=None, relationship="", surname=None, phone=False, works=False):
        """A person of ``unit``: an ID number of its county, a name fitting gender and age, and maybe a
        phone (of the city) and a workplace."""
        rng = self.rng
        city = self.city_of[unit.pk]
        county = self.parent_of[unit.pk]
        p = Person(
            name=self.name(male, born, surname), organisation=unit, household=household, relationship=relationship
        )
        p.id_number = self.id_number(county.code, born, male)
        if phone:
            p.phone = self.phone(city.code)
        if works and rng.random() < 0.7:
            p.work_unit = henan.employer(rng, city.code, self.place_of[county.pk])
        return p

    def address(self, unit):
        rng = self.rng
        place = self.place_of[self.parent_of[unit.pk].pk]
        street = f"{place}{self.street_of[unit.pk]}{rng.choice(henan.ROADS)}{rng.randrange(1, 200)}号"
        if rng.random() < 0.5:
            floor, door = rng.randrange(1, 7), rng.randrange(1, 4)
            street += f"{rng.randrange(1, 12)}号楼{rng.randrange(1, 4)}单元{floor}0{door}室"
        return street

    def household(self, unit, size):
        rng = self.rng
        county = self.parent_of[unit.pk]
        caseworker, reviewer = self.caseworker_of[county.pk], self.reviewer_of[county.pk]
        kind = "migrant_worker" if rng.random() < 0.35 else "worker"
        single_mother = rng.random() < 0.08
        applied = _day(rng, datetime.date(2009, 1, 1), datetime.date(self.last_year, 10, 31))
        hh = Household(
            file_no=self.ref("H"),
            organisation=unit,
            kind=kind,
            single_parent_female=single_mother,
            hardship_reasons=rng.sample(["illness", "disability", "unemployment", "education", "disaster"], 2)
            if rng.random() < 0.3
            else [_weighted(rng, {"illness": 4, "unemployment": 3, "education": 2, "disability": 1})],
            address=self.address(unit),
            applied_on=applied,
            applied_by=caseworker,
        )
        roll = rng.random()
        if roll < 0.95 or applied.year < self.last_year:
            hh.reviewed_on = applied + datetime.timedelta(days=rng.randrange(5, 30))
            hh.reviewed_by = reviewer
            hh.noticed_on = hh.reviewed_on + datetime.timedelta(days=rng.randrange(1, 10))
            hh.filed_on = min(hh.noticed_on + datetime.timedelta(days=rng.randrange(7, 15)), self.end)
            hh.filed_by = reviewer
            if rng.random() < 0.15:
                closed = hh.filed_on + datetime.timedelta(days=rng.randrange(180, 1500))
                if closed <= self.end:
                    hh.closed_on = closed
                    hh.closed_by = reviewer
                    hh.closing_code = "out_of_hardship"
                    hh.closing_reason = "家庭收入提高，脱困退出"
        # The county's caseworker opens the file (its history row names them, as the service would).
        self.writer.add(hh, _moment(rng, applied), caseworker)

        head_born = _day(rng, datetime.date(1958, 1, 1), datetime.date(1984, 12, 31))
        head_male = not single_mother and rng.random() < 0.7
        head = self.person(
            unit=unit, born=head_born, male=head_male, household=hh, relationship="head", phone=True, works=True
        )
        members = [head]
        parents_born = [head_born]
        father_surname, mother_surname = (head.name[0], None) if head_male else (None, head.name[0])
        if size >= 2 and not single_mother and rng.random() < 0.85:
            spouse_born = min(
                head_born + datetime.timedelta(days=rng.randrange(-1800, 1800)), datetime.date(1990, 1, 1)
            )
            spouse = self.person(
                unit=unit,
                born=spouse_born,
                male=not head_male,
                household=hh,
                relationship="spouse",
                phone=rng.random() < 0.5,
                works=True,
            )
            members.append(spouse)
            parents_born.append(spouse_born)
            if head_male:
                mother_surname = spouse.name[0]
            else:
                father_surname = spouse.name[0]
        # Children take the father's surname, now and then the mother's; with no father in the file,
        # the mother's or the absent father's.
        if father_surname is None:
            father_surname = mother_surname if rng.random() < 0.5 else henan.surname(rng)
        earliest = max(max(parents_born) + datetime.timedelta(days=20 * 365), datetime.date(1988, 1, 1))
        latest = min(min(parents_born) + datetime.timedelta(days=38 * 365), datetime.date(2009, 12, 31))
        while len(members) < size:
            if len(members) >= 3 and rng.random() < 0.15:
                # The head's father or mother, 22 to 30 years older; a father shares the head's surname.
                born = head_born - datetime.timedelta(days=rng.randrange(8000, 11000))
                male = rng.random() < 0.5
                members.append(
                    self.person(
                        unit=unit,
                        born=born,
                        male=male,
                        household=hh,
                        relationship="parent",
                        surname=head.name[0] if male else None,
                    )
                )
            else:
                born = _day(rng, earliest, max(earliest, latest))
                surname = father_surname if rng.random() < 0.92 else mother_surname
                members.append(
                    self.person(
                        unit=unit,
                        born=born,
                        male=rng.random() < 0.52,
                        household=hh,
                        relationship="child",
                        surname=surname,
                    )
                )
        for p in members:
            self.writer.add(p, _moment(rng, applied), caseworker)
        return hh, members

    # ---- schooling and student aid ---------------------------------------------------------

    def schooling(self, child):
        """School entries (升学) since 2008, on 1 September at the age of each stage (primary at six, if
        six by 31 August), admitted in July or August; returns [(stage, advance date, school)] in order."""
        rng = self.rng
        start = henan.school_start_year(child.birth_date)
        path = [("primary", start), ("junior_secondary", start + 6)]
        if rng.random() < 0.8:
            path.append(("senior_secondary" if rng.random() < 0.65 else "secondary_vocational", start + 9))
            if path[-1][0] == "senior_secondary" and rng.random() < 0.7:
                path.append(("undergraduate" if rng.random() < 0.6 else "junior_college", start + 12))
                if path[-1][0] == "undergraduate" and rng.random() < 0.08:
                    path.append(("postgraduate", start + 16))
        county = self.parent_of[child.organisation.pk]
        city, place = self.city_of[child.organisation.pk].name[:-3], self.place_of[county.pk]
        caseworker = self.caseworker_of[county.pk]
        entries = []
        for stage, year in path:
            entered = henan.entry_day(year)
            if year < 2008 or entered > self.end or entered > self.today:
                continue
            # Primary schools enrol without an admission letter; the later stages admit in summer.
            admitted = None if stage == "primary" else _day(rng, datetime.date(year, 7, 1), datetime.date(year, 8, 25))
            school = henan.school(rng, stage, city, place)
            record = Schooling(
                ref=self.ref("SC"), person=child, stage=stage, school=school, entered_on=entered, admitted_on=admitted
            )
            self.writer.add(record, _moment(rng, admitted or entered), caseworker)
            entries.append((stage, admitted or entered, school))
        return entries

    def notice_for(self, county, year):
        notice = self.notices.get((county.pk, year))
        if notice is None:
            starts = datetime.date(year, 7, 20)
            notice = Notice(
                ref=self.ref("N"),
                organisation=county,
                title=f"{county.name}{year}年金秋助学拟资助对象公示",
                posted_at="各基层工会及社区公示栏",
                contact=f"保障工作部 {henan.landline(self.rng, county.parent.code)}",
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=6),
            )
            self.writer.add(notice, _moment(self.rng, starts))
            self.notices[(county.pk, year)] = notice
        return notice

    def student_aid(self, hh, child, entries):
        """Golden Autumn grants in August (some later), each listed on that year's notice first."""
        rng = self.rng
        if not entries or child.pk in self.objected:
            return
        county = self.parent_of[hh.organisation.pk]
        for year in self.years:
            if rng.random() >= 0.3:
                continue
            granted = datetime.date(year, 8, 1) + datetime.timedelta(days=rng.randrange(30))
            if rng.random() < 0.1:
                granted = datetime.date(year, 9, 1) + datetime.timedelta(days=rng.randrange(100))
            in_force = [e for e in entries if e[1] < granted]
            if not in_force or in_force[-1][1].year < year - 3:
                continue  # no schooling in force, or long finished
            if not hh.is_on_file(granted):
                continue
            stage = in_force[-1][0]
            low, high = {"primary": (300, 800), "junior_secondary": (500, 1000)}.get(stage, (1000, 5000))
            amount = self.money(low, high)
            notice = self.notice_for(county, year)
            self.writer.add(NoticeEntry(notice=notice, person=child, amount=amount), _moment(rng, notice.starts_on))
            if rng.random() < 0.005:
                # An upheld objection: this person gets no grant, now or later.
                self.writer.add(
                    Objection(
                        notice=notice,
                        person=child,
                        raised_on=notice.starts_on + datetime.timedelta(days=2),
                        content="反映家庭收入情况不实",
                        upheld=True,
                        decided_on=notice.ends_on,
                    ),
                    _moment(rng, notice.ends_on),
                )
                self.objected.add(child.pk)
                return
            if rng.random() < 0.01:
                self.writer.add(
                    Objection(
                        notice=notice,
                        person=child,
                        raised_on=notice.starts_on + datetime.timedelta(days=1),
                        content="反映情况经核实不成立",
                        upheld=False,
                        decided_on=notice.ends_on,
                    ),
                    _moment(rng, notice.ends_on),
                )
            org = hh.organisation if rng.random() < 0.5 else county
            grant = AidGrant(ref=self.ref("G"), organisation=org, person=child, granted_on=granted, amount=amount)
            self.writer.add(grant, _moment(rng, granted))

    def graduate(self, hh, child, entries):
        rng = self.rng
        college = [e for e in entries if e[0] in ("junior_college", "undergraduate")]
        if not college or rng.random() >= 0.75:
            return None
        stage, entered, school = college[-1]
        graduation_year = entered.year + (3 if stage == "junior_college" else 4)
        if graduation_year > self.last_year + 1:
            return None
        registered = min(
            _day(rng, datetime.date(graduation_year - 1, 10, 1), datetime.date(graduation_year, 6, 30)), self.end
        )
        if registered <= entered:
            return None
        grad = Graduate(
            person=child,
            organisation=hh.organisation if rng.random() < 0.5 else self.parent_of[hh.organisation.pk],
            graduation_year=graduation_year,
            university=school,
            university_local=school in UNIVERSITIES_LOCAL or stage == "junior_college",
            origin_local=rng.random() < 0.85,
            registered_on=registered,
        )
        if rng.random() < 0.25:
            exited = registered + datetime.timedelta(days=rng.randrange(200, 700))
            if exited <= self.end:
                grad.exited_on = exited
        self.writer.add(grad, _moment(rng, registered))
        return grad

    # ---- employment ------------------------------------------------------------------------

    def employment(self, person, unit, category, graduate=None):
        """Trainings, certificates, placements, loans and services of one working-age person."""
        rng = self.rng
        institutions = self.institutions[self.city_of[unit.pk].pk]
        for year in self.years:
            start, stop = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            if graduate is not None:
                start = max(start, graduate.registered_on)
                if start > stop:
                    continue
            trained = rng.random() < (0.12 if graduate else 0.06)
            if trained:
                ttype = _weighted(rng, {"skills": 70, "entrepreneurship": 15, "domestic_service": 15})
                started = _day(rng, start, stop)
                ended = min(started + datetime.timedelta(days=rng.randrange(5, 60)), self.end)
                training = Training(
                    ref=self.ref("T"),
                    organisation=self.recording_unit(unit),
                    person=person,
                    institution=rng.choice(institutions),
                    type=ttype,
                    category=category,
                    started_on=started,
                    ended_on=ended,
                    order_based=rng.random() < 0.2,
                    targeted=rng.random() < 0.1,
                )
                self.writer.add(training, _moment(rng, started))
                if rng.random() < 0.45:
                    issued = min(ended + datetime.timedelta(days=rng.randrange(10, 60)), self.end)
                    cert = Certificate(
                        ref=self.ref("C"),
                        person=person,
                        issuer="labour_dept" if rng.random() < 0.6 else "other",
                        level=_weighted(
                            rng,
                            {"junior": 50, "intermediate": 30, "senior": 15, "technician": 4, "senior_technician": 1},
                        ),
                        issued_on=issued,
                        via_assessment=rng.random() < 0.6,
                    )
                    self.writer.add(cert, _moment(rng, issued))
            if rng.random() < (0.35 if trained else 0.02) or (graduate is not None and rng.random() < 0.2):
                employed = _day(rng, start, stop)
                if trained:
                    employed = min(ended + datetime.timedelta(days=rng.randrange(5, 90)), self.end)
                placement = Placement(
                    ref=self.ref("P"),
                    organisation=self.recording_unit(unit),
                    person=person,
                    employer=self.employer_near(unit),
                    channel=_weighted(
                        rng,
                        {"union_referral": 50, "self_found": 20, "enterprise_programme": 20, "public_welfare_post": 10},
                    ),
                    category=category,
                    employed_on=employed,
                    contract_months=rng.choice((0, 6, 12, 12, 24, 36)),
                )
                self.writer.add(placement, _moment(rng, employed))
            if rng.random() < 0.01:
                lent = _day(rng, start, stop)
                loan = Loan(
                    ref=self.ref("L"),
                    organisation=self.recording_unit(unit),
                    person=person,
                    kind=_weighted(
                        rng, {"small_loan": 40, "small_borrowing": 20, "assisted_loan": 25, "guaranteed_loan": 15}
                    ),
                    category=category,
                    lent_on=lent,
                    amount=self.money(20000, 100000, 1000),
                    jobs_created=rng.randrange(0, 6),
                )
                self.writer.add(loan, _moment(rng, lent))
            if rng.random() < (0.25 if graduate else 0.06):
                types = (
                    {
                        "internship": 25,
                        "entrepreneurship_guidance": 15,
                        "policy_assistance": 20,
                        "job_search_subsidy": 20,
                        "job_introduction": 20,
                    }
                    if graduate
                    else {
                        "job_introduction": 35,
                        "labour_export": 15,
                        "entrepreneurship_consulting": 10,
                        "rights_protection": 25,
                        "legal_aid": 15,
                    }
                )
                stype = _weighted(rng, types)
                served = _day(rng, start, stop)
                service = Service(
                    ref=self.ref("SV"),
                    organisation=self.recording_unit(unit),
                    person=person,
                    type=stype,
                    served_on=served,
                    amount=self.money(200, 1000) if stype == "job_search_subsidy" else None,
                )
                self.writer.add(service, _moment(rng, served))

    # ---- unit-level records ---------------------------------------------------------------

    def unit_records(self):
        rng = self.rng
        for year in self.years:
            start, stop = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            for org in self.cities + self.counties:
                is_city = org.level == Level.CITY
                for _ in range(rng.randrange(2, 5) if is_city else rng.randrange(0, 3)):
                    held = _day(rng, start, stop)
                    total = rng.randrange(50, 800)
                    self.writer.add(
                        JobFair(
                            ref=self.ref("JF"),
                            organisation=org,
                            name=f"{year}年“阳光就业”专场招聘会",
                            held_on=held,
                            positions_total=total,
                            positions_for_graduates=rng.randrange(0, total // 2 + 1),
                        ),
                        _moment(rng, held),
                    )
                for _ in range(rng.randrange(1, 4)):
                    offered = _day(rng, start, stop)
                    self.writer.add(
                        PositionOffer(
                            ref=self.ref("PO"),
                            organisation=org,
                            employer=self.employer_near(org),
                            employer_type=_weighted(
                                rng,
                                {"state_owned": 30, "model_worker": 20, "caring_enterprise": 35, "public_welfare": 15},
                            ),
                            offered_on=offered,
                            positions=rng.randrange(1, 40),
                        ),
                        _moment(rng, offered),
                    )
                for _ in range(rng.randrange(0, 3)):
                    offered = _day(rng, datetime.date(year, 6, 1), datetime.date(year, 8, 31))
                    self.writer.add(
                        WorkStudyOffer(
                            ref=self.ref("WS"),
                            organisation=org,
                            unit_name=self.employer_near(org),
                            offered_on=offered,
                            posts=rng.randrange(1, 20),
                        ),
                        _moment(rng, offered),
                    )
                scale = 5 if is_city else 1
                for programme, sources in (
                    ("student_aid", ("government", "social_donation", "union")),
                    ("employment", ("central_finance", "local_finance", "union", "social_donation")),
                ):
                    for source in sources:
                        if rng.random() < 0.7:
                            received = _day(rng, start, datetime.date(year, 8, 20))
                            self.writer.add(
                                FundReceipt(
                                    ref=self.ref("FR"),
                                    organisation=org,
                                    programme=programme,
                                    source=source,
                                    received_on=received,
                                    amount=self.money(10000 * scale, 200000 * scale, 500),
                                ),
                                _moment(rng, received),
                            )
                    for use in ("training", "job_introduction", "other"):
                        if rng.random() < 0.6:
                            spent = _day(rng, start, stop)
                            self.writer.add(
                                Expenditure(
                                    ref=self.ref("EX"),
                                    organisation=org,
                                    programme=programme,
                                    use=use,
                                    spent_on=spent,
                                    amount=self.money(5000 * scale, 150000 * scale, 500),
                                ),
                                _moment(rng, spent),
                            )

    # ---- the run ---------------------------------------------------------------------------

    def system_user(self):
        user, created = User.objects.get_or_create(
            username=USERNAME,
            defaults={"first_name": "合成数据", "role": Role.ADMINISTRATOR, "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def run(self):
        started = time.monotonic()
        if Person.objects.exists():
            raise ValueError("the database already holds persons: generate into an empty (migrated) database")
        user = self.system_user()
        self.writer = _Writer(user, self.batch_size)
        with transaction.atomic():
            self.build_tree()
            self.unit_records()
            self.writer.flush()
            self.staff()
        made = 0
        while made < self.target:
            with transaction.atomic():
                chunk_end = min(self.target, made + self.chunk_persons)
                while made < chunk_end:
                    made += self.one_unit(chunk_end - made)
                self.writer.flush()
            self.log(f"{made} persons ({time.monotonic() - started:.0f} s)")
        self.writer.reset_sequences()
        # A bulk load leaves the planner's statistics describing empty tables: on PostgreSQL the
        # as-of-T returns ran 13 times slower (nested loops over whole history tables) until
        # autovacuum caught up. Refresh them now.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if user.organisation_id is None:
            user.organisation = self.national
            user.save(update_fields=["organisation"])
        self.log(f"done in {time.monotonic() - started:.0f} s")
        return dict(sorted(self.writer.counts.items()))

    def one_unit(self, room):
        """A household (about 3 persons) or, one time in four, a person outside any file."""
        rng = self.rng
        unit = rng.choice(self.grassroots)
        if rng.random() < 0.25:
            born = _day(rng, datetime.date(1962, 1, 1), datetime.date(1994, 12, 31))
            person = self.person(unit=unit, born=born, male=rng.random() < 0.6, phone=True, works=True)
            caseworker = self.caseworker_of[self.parent_of[unit.pk].pk]
            self.writer.add(person, _moment(rng, _day(rng, datetime.date(2010, 1, 1), self.end)), caseworker)
            category = _weighted(rng, {"laid_off": 45, "migrant_worker": 35, "in_service": 10, "other": 10})
            self.employment(person, unit, category)
            return 1
        size = min(room, _weighted(rng, {1: 10, 2: 20, 3: 35, 4: 25, 5: 10}))
        hh, members = self.household(unit, size)
        for p in members:
            age = self.last_year - p.birth_date.year
            if p.relationship == "child":
                entries = self.schooling(p)
                self.student_aid(hh, p, entries)
                grad = self.graduate(hh, p, entries)
                if grad is not None:
                    self.employment(p, unit, "graduate", graduate=grad)
                elif age >= 18:
                    self.employment(p, unit, "migrant_worker" if hh.kind == "migrant_worker" else "other")
            elif p.relationship in ("head", "spouse") and age < 60:
                if hh.kind == "migrant_worker":
                    category = "migrant_worker"
                else:
                    category = _weighted(rng, {"laid_off": 50, "in_service": 40, "other": 10})
                self.employment(p, unit, category)
        return len(members)


def generate(*, persons, seed=1, batch_size=2000, last_year=LAST_YEAR, log=None):
    """Fill the database with ``persons`` synthetic persons and everything around them; returns counts."""
    return Generator(persons=persons, seed=seed, batch_size=batch_size, last_year=last_year, log=log).run()
