"""The demo seed: idempotent, reproducible, valid identifiers, the documented demo accounts."""

from __future__ import annotations

import contextlib
from datetime import datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from pytest_django.fixtures import Settings

from onewindow.accounts.enums import Role
from onewindow.accounts.models import Department, RoleGrant, User
from onewindow.catalog.enums import HolderKind, MaterialForm, Target
from onewindow.catalog.models import CertificateType, Material
from onewindow.core import calendar, clock, ids
from onewindow.datahub import selectors as registry
from onewindow.datahub.enums import CertificateStatus, HolderCodeType, RelationKind
from onewindow.datahub.identifiers import is_valid_identifier
from onewindow.datahub.models import Certificate, DataAccess, Organisation, Person, Relation
from onewindow.demo import seed as demo
from onewindow.evaluation import selectors as review_figures
from onewindow.evaluation import tallies
from onewindow.evaluation.enums import RectificationStatus
from onewindow.evaluation.models import Rectification, Review
from onewindow.intake import services as intake
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.enums import ApplicantKind, Provided
from onewindow.workflow.models import Case

pytestmark = pytest.mark.django_db

SMALL = {"people": 8, "companies": 4, "cases": 20}
PERSON_KINDS = {HolderKind.PERSON, HolderKind.BOTH}


@pytest.fixture
def seeded() -> demo.SeedSummary:
    return demo.seed(**SMALL)


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "roles": RoleGrant.objects.count(),
        "people": Person.objects.count(),
        "organisations": Organisation.objects.count(),
        "certificates": Certificate.objects.count(),
        "relations": Relation.objects.count(),
        "cases": Case.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "reads": DataAccess.objects.count(),
        "non_key": Material.objects.filter(required=True, is_key=False).count(),
        "reviews": Review.objects.count(),
        "rectifications": Rectification.objects.count(),
    }


class _Rollback(Exception):
    pass


def _people_after_seed(**options: int) -> set[str]:
    """The citizen IDs a seed creates, rolled back afterwards."""
    people: set[str] = set()
    with contextlib.suppress(_Rollback), transaction.atomic():
        demo.seed(**options)
        people = set(Person.objects.values_list("id_number", flat=True))
        raise _Rollback
    return people


def test_running_the_seed_twice_creates_nothing_new() -> None:
    first = demo.seed(**SMALL)
    before = _counts()

    second = demo.seed(**SMALL)

    assert _counts() == before
    assert not second.changed
    assert second.cases_existing == first.cases_created
    assert second.anchor == first.anchor


def test_the_same_seed_generates_the_same_people_and_another_seed_others() -> None:
    options = {"people": 5, "companies": 2, "cases": 0}
    first = _people_after_seed(**options, seed=7)
    again = _people_after_seed(**options, seed=7)
    other = _people_after_seed(**options, seed=8)

    assert first == again
    assert first != other


def test_more_people_keep_the_people_generated_before() -> None:
    few = _people_after_seed(people=3, companies=2, cases=0)
    more = _people_after_seed(people=6, companies=2, cases=0)

    assert few < more


def test_demo_accounts_have_their_roles_departments_and_password(
    seeded: demo.SeedSummary,
) -> None:
    approver = User.objects.select_related("department").get(username="approver-GAHZ")
    assert approver.role_set == {Role.APPROVER}
    assert approver.department is not None and approver.department.code == "GAHZ"
    assert approver.check_password(demo.DEMO_PASSWORD)
    for department in Department.objects.all():
        for prefix, role in (
            ("approver", Role.APPROVER),
            ("deptadmin", Role.DEPT_ADMIN),
            ("system", Role.DEPT_SYSTEM),
        ):
            user = User.objects.get(username=f"{prefix}-{department.code}")
            assert user.role_set == {role}
            assert user.department_id == department.pk

    admin = User.objects.get(username="admin")
    assert admin.has_role(Role.CENTRE_ADMIN) and admin.is_superuser and admin.is_staff
    for username, window in (("clerk", "A01"), ("clerk2", "A02")):
        clerk = User.objects.select_related("department").get(username=username)
        assert clerk.has_role(Role.CLERK)
        assert clerk.window_code == window
        assert clerk.department is not None and clerk.department.code == "ZW"
    assert User.objects.get(username="auditor").has_role(Role.AUDITOR)
    assert User.objects.get(username="trainer").has_role(Role.TRAINER)
    assert not User.objects.get(username="clerk").is_staff

    citizen = User.objects.get(username="citizen")
    assert citizen.has_role(Role.CITIZEN)
    assert citizen.person.name == citizen.name
    company = User.objects.get(username="company")
    assert company.has_role(Role.ENTERPRISE)
    licences = registry.valid_certificates([company.organisation.credit_code], ["EC-YYZZ"])
    assert list(licences) == [(company.organisation.credit_code, "EC-YYZZ")]
    assert company.organisation.legal_representative is not None


def test_citizen_holds_a_valid_certificate_of_every_person_type(seeded: demo.SeedSummary) -> None:
    person = Person.objects.get(user__username="citizen")
    types = {t.code: t for t in CertificateType.objects.filter(holder_kind__in=PERSON_KINDS)}

    held = registry.valid_certificates([person.id_number], types)

    assert {code for _, code in held} == set(types)
    for (_, code), certificate in held.items():
        assert all(certificate.fields.get(key) for key in types[code].key_fields), code
    card = held[(person.id_number, "EC-SFZ")].fields
    assert card["公民身份号码"] == person.id_number
    assert card["姓名"] == person.name
    assert card["出生日期"] == person.birth_date.isoformat()
    assert card["性别"] == person.get_gender_display()
    assert held[(person.id_number, "EC-BDCQZ")].fields["权利人"] == person.name
    parsed = ids.parse_citizen_id(person.id_number)
    assert 1989 <= parsed.birth_date.year <= 1991
    assert person.region_code in demo.REGIONS


def test_citizen_registry_links_relatives_and_employer_with_their_certificates(
    seeded: demo.SeedSummary,
) -> None:
    person = Person.objects.get(user__username="citizen")
    relations = {
        r.kind: r for r in Relation.objects.filter(person=person).select_related("other_person")
    }

    assert set(relations) >= {
        RelationKind.SPOUSE,
        RelationKind.FATHER,
        RelationKind.MOTHER,
        RelationKind.CHILD,
        RelationKind.EMPLOYER,
    }
    for kind in (RelationKind.SPOUSE, RelationKind.FATHER, RelationKind.MOTHER):
        relative = relations[kind].other_person
        assert relative is not None
        assert {"EC-SFZ", "EC-HKB"} <= {c for _, c in _held(relative.id_number)}
    child = relations[RelationKind.CHILD].other_person
    assert child is not None
    assert (clock.today() - child.birth_date).days < 6 * 365
    child_certificates = registry.valid_certificates(
        [child.id_number], ["EC-SFZ", "EC-HKB", "EC-CSZM"]
    )
    assert len(child_certificates) == 3
    birth = child_certificates[(child.id_number, "EC-CSZM")].fields
    assert birth["父亲公民身份号码"] == person.id_number
    spouse = relations[RelationKind.SPOUSE].other_person
    assert spouse is not None
    assert birth["母亲公民身份号码"] == spouse.id_number
    employer = relations[RelationKind.EMPLOYER].organisation
    assert employer is not None
    assert registry.valid_certificates([employer.credit_code], ["EC-YYZZ"])


def _held(code: str) -> set[tuple[str, str]]:
    types = CertificateType.objects.values_list("code", flat=True)
    return set(registry.valid_certificates([code], types))


def test_every_generated_identifier_is_valid(seeded: demo.SeedSummary) -> None:
    today = clock.today()
    for person in Person.objects.all():
        parsed = ids.parse_citizen_id(person.id_number, today=today)
        assert parsed.region_code in demo.REGIONS
        assert parsed.birth_date == person.birth_date
        assert parsed.is_male == (person.gender == "1")
    for organisation in Organisation.objects.all():
        credit = ids.parse_credit_code(organisation.credit_code)
        assert organisation.credit_code.startswith("91")
        assert credit.region_code in demo.REGIONS
    for certificate in Certificate.objects.select_related("type", "issuer"):
        assert is_valid_identifier(certificate.identifier), certificate.identifier
        assert certificate.issuer_id == certificate.type.issuing_department_id
        assert certificate.status == CertificateStatus.VALID
        assert certificate.valid_from <= today
        assert certificate.valid_to is None or certificate.valid_to > today
        if certificate.person_id:
            assert certificate.holder_code_type == HolderCodeType.CITIZEN_ID
        else:
            assert certificate.holder_code_type == HolderCodeType.CREDIT_CODE
        assert all(certificate.fields.get(k) for k in certificate.type.key_fields)


def test_historical_cases_are_accepted_on_past_working_days(seeded: demo.SeedSummary) -> None:
    cases = list(Case.objects.select_related("item_version", "clerk"))

    assert len(cases) == seeded.cases_created > 0
    for case in cases:
        local = clock.local(case.accepted_at)
        assert 0 < (seeded.anchor - local.date()).days <= demo.HISTORY_DAYS
        assert calendar.is_working_day(local.date())
        assert time(9) <= local.time() < time(17)
        assert case.clerk is not None and case.clerk.username == "clerk"
        assert case.window_code == "A01"
        allowed = (
            {Target.PERSON, Target.BOTH}
            if case.applicant_kind == ApplicantKind.PERSON
            else {Target.ORGANISATION, Target.BOTH}
        )
        assert case.item_version.target in allowed
    assert Case.objects.filter(person__user__username="citizen").exists()


def test_a_few_paper_materials_become_non_key_and_tolerant_intake_accepts_without_them(
    seeded: demo.SeedSummary,
) -> None:
    assert 3 <= len(seeded.non_key) <= 5
    for chosen in seeded.non_key:
        material = Material.objects.get(version__is_current=True, code=chosen.material_code)
        assert material.required and not material.is_key
        assert material.form != MaterialForm.ELECTRONIC and material.certificate_type_id is None

    chosen = next(
        m
        for m in seeded.non_key
        if Material.objects.get(version__is_current=True, code=m.material_code).version.target
        != Target.ORGANISATION
    )
    version = intake.current_version(chosen.item_code)
    person = Person.objects.get(user__username="citizen")
    materials = [
        intake.MaterialInput(m.code, Provided.PAPER)
        for m in version.materials.all()
        if m.required and not m.is_form and m.code != chosen.material_code
    ]
    app = intake.Application(
        applicant=intake.ApplicantInput(
            kind=ApplicantKind.PERSON, name=person.name, id_number=person.id_number
        ),
        item_code=chosen.item_code,
        materials=materials,
        tolerant=True,
    )
    moment = datetime.combine(calendar.add_working_days(clock.today(), 1), time(10))
    with clock.frozen(moment.replace(tzinfo=clock.LOCAL_TZ)):
        outcome = intake.submit_application(app=app, actor=User.objects.get(username="clerk"))

    assert outcome.notice is None
    assert [case.is_tolerant for case in outcome.cases] == [True]


def test_seed_refuses_to_run_outside_demo_mode(settings: Settings) -> None:
    settings.DEMO_MODE = False

    with pytest.raises(demo.DemoModeRequired):
        demo.seed(people=1, companies=1, cases=0)
    assert not User.objects.filter(username="clerk").exists()


def test_seed_demo_command_prints_a_chinese_summary_and_the_accounts() -> None:
    out = StringIO()

    call_command("seed_demo", "--people", "2", "--companies", "1", "--cases", "3", stdout=out)
    call_command("seed_demo", "--show-accounts", stdout=out)

    text = out.getvalue()
    assert "演示数据" in text and "新增" in text
    assert "容缺受理" in text
    assert "approver-GAHZ" in text and demo.DEMO_PASSWORD in text


def test_demo_history_is_rated_and_bad_reviews_stand_at_every_step() -> None:
    summary = demo.seed(people=40, companies=10, cases=160)

    reviews = Review.objects.all()
    assert summary.reviews_created == reviews.count() > 0
    assert {r.channel for r in reviews} >= {"政务大厅平板电脑", "短信"}
    assert all(r.reviewed_at <= clock.now() for r in reviews)
    statuses = set(Rectification.objects.values_list("status", flat=True))
    assert RectificationStatus.CLOSED in statuses
    assert len(statuses) >= 3
    figures = review_figures.get_review_kpis(review_figures.KpiFilters())
    assert figures.count == reviews.filter(is_excluded=False).count()
    assert figures.unrated_rate is not None and 0 < figures.unrated_rate < 1
    # The ratings went through the service: the live rollup equals a recount from the rows.
    assert tallies.stored() == tallies.compute()
