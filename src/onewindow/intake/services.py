"""One-window acceptance (综合受理): identify the applicant, check materials against the item
version, then accept, accept with tolerance (容缺), issue a one-time supplement notice or refuse.

Legal roots: 行政许可法 §26 (one unit accepts for the agencies), §32 (one complete notice of
every missing material; a dated written voucher for each outcome), 国务院令第716号 §7 (what data
sharing supplies is not asked for again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from onewindow.accounts.models import User
from onewindow.catalog import selectors as catalog
from onewindow.catalog.enums import Target
from onewindow.catalog.models import Bundle, ItemVersion, Material
from onewindow.core import calendar, clock, ids, sequences
from onewindow.datahub import connectors, derive
from onewindow.datahub import selectors as registry
from onewindow.datahub import services as datahub
from onewindow.datahub.models import Certificate
from onewindow.intake.errors import InvalidApplication, TargetMismatch, UnknownItem
from onewindow.intake.models import Refusal, SupplementNotice
from onewindow.ledger import services as ledger
from onewindow.workflow import services as workflow
from onewindow.workflow.enums import ApplicantKind, Channel, Provided
from onewindow.workflow.models import Case

# Material names that start with another party's role need that party's certificate; the
# applicant's own data is read for every other material (申请人居民身份证, 营业执照 …).
PARTY_ROLE_PREFIXES = (
    "法定代表人", "经办人", "监护人", "受托人", "买受人", "被继承人", "继承人", "新户主",
    "收养人", "被收养人", "死者", "配偶", "父亲", "母亲", "新生儿", "子女", "抵押权人",
    "被投靠", "落户方", "双方", "买卖双方", "父母",
)  # fmt: skip


class MaterialStatus:
    CERTIFICATE = "certificate"
    FORM = "form"
    NEEDED = "needed"
    OPTIONAL = "optional"


@dataclass(frozen=True)
class PartyInput:
    role: str
    id_number: str
    name: str


@dataclass(frozen=True)
class ApplicantInput:
    kind: str
    name: str
    id_number: str = ""
    credit_code: str = ""
    phone: str = ""
    parties: list[PartyInput] = field(default_factory=list)
    override_checksum: bool = False


@dataclass(frozen=True)
class MaterialInput:
    material_id: str
    provided: str


@dataclass(frozen=True)
class Application:
    applicant: ApplicantInput | None
    item_code: str = ""
    bundle_code: str = ""
    conditions: list[str] = field(default_factory=list)
    materials: list[MaterialInput] = field(default_factory=list)
    form: dict[str, Any] = field(default_factory=dict)
    tolerant: bool = False
    purpose: str = ""


@dataclass(frozen=True)
class Party:
    role: str
    code: str
    name: str


@dataclass(frozen=True)
class MaterialView:
    material: Material
    status: str
    certificate: Certificate | None = None
    # The library has no certificate and the department system that holds it is down: the
    # window takes the paper material instead (nothing blocks intake).
    source_unavailable: bool = False


@dataclass(frozen=True)
class FieldView:
    name: str
    value: str | None
    source: str
    certificate: Certificate | None = None  # the certificate the value was read from


@dataclass(frozen=True)
class Evaluation:
    version: ItemVersion
    materials: list[MaterialView]
    fields: list[FieldView]
    reads: list[datahub.Read]


@dataclass(frozen=True)
class Resolved:
    applicant: workflow.ApplicantRecord
    parties: list[Party]


@dataclass(frozen=True)
class Missing:
    material_id: str
    name: str
    item_code: str


@dataclass(frozen=True)
class Outcome:
    """Either cases were opened or a one-time supplement notice was issued."""

    cases: list[Case] = field(default_factory=list)
    notice: SupplementNotice | None = None
    missing: list[Missing] = field(default_factory=list)
    group_number: str = ""


# --- reading the catalog -------------------------------------------------------------------


def current_version(item_code: str) -> ItemVersion:
    """The current version of an item with its materials, steps and form fields."""
    version = catalog.get_current_version(item_code)
    if version is None:
        raise UnknownItem(fields={"item_code": "事项不存在"})
    return version


# --- the applicant -------------------------------------------------------------------------


def applicant_for_user(user: User) -> ApplicantInput:
    """The applicant a citizen or enterprise account applies as (its registry record)."""
    person = getattr(user, "person", None)
    if person is not None:
        return ApplicantInput(
            kind=ApplicantKind.PERSON,
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
        )
    organisation = getattr(user, "organisation", None)
    if organisation is not None:
        return ApplicantInput(
            kind=ApplicantKind.ORGANISATION,
            name=organisation.name,
            credit_code=organisation.credit_code,
            phone=organisation.phone,
        )
    raise InvalidApplication("当前账号未关联申请人身份", fields={"applicant": "账号未实名关联"})


def resolve_applicant(spec: ApplicantInput, errors: dict[str, str]) -> Resolved | None:
    """Validate identity numbers and names; collect every problem into ``errors``."""
    code = ""
    if spec.kind == ApplicantKind.PERSON:
        try:
            code = ids.parse_citizen_id(
                spec.id_number, override_checksum=spec.override_checksum
            ).number
        except ids.InvalidIdentifier as exc:
            errors["applicant.id_number"] = _id_message(exc)
    elif spec.kind == ApplicantKind.ORGANISATION:
        try:
            code = ids.parse_credit_code(
                spec.credit_code, override_checksum=spec.override_checksum
            ).code
        except ids.InvalidIdentifier as exc:
            errors["applicant.credit_code"] = _id_message(exc)
    else:
        errors["applicant.kind"] = "申请人类型应为 person（自然人）或 organisation（法人）"
    if not spec.name.strip():
        errors["applicant.name"] = "申请人姓名或名称不能为空"
    elif len(spec.name) > 100:
        errors["applicant.name"] = "申请人姓名或名称过长"
    phone = spec.phone.strip()
    if phone and not _is_phone(phone):
        errors["applicant.phone"] = "联系电话格式不正确"
    parties: list[Party] = []
    for i, party in enumerate(spec.parties):
        if not party.role.strip():
            errors[f"applicant.parties.{i}.role"] = "请填写当事人身份（如父亲、配偶、法定代表人）"
        if not party.name.strip():
            errors[f"applicant.parties.{i}.name"] = "当事人姓名不能为空"
        try:
            number = ids.parse_citizen_id(party.id_number).number
            parties.append(Party(party.role.strip(), number, party.name.strip()))
        except ids.InvalidIdentifier as exc:
            errors[f"applicant.parties.{i}.id_number"] = _id_message(exc)
    if not code:
        return None
    person = registry.get_person(code) if spec.kind == ApplicantKind.PERSON else None
    organisation = (
        registry.get_organisation(code) if spec.kind == ApplicantKind.ORGANISATION else None
    )
    overridden = spec.override_checksum and not _check_char_ok(spec, code)
    return Resolved(
        workflow.ApplicantRecord(
            kind=spec.kind,
            name=spec.name.strip(),
            code=code,
            phone=phone,
            person=person,
            organisation=organisation,
            checksum_overridden=overridden,
        ),
        parties,
    )


def _check_char_ok(spec: ApplicantInput, code: str) -> bool:
    try:
        if spec.kind == ApplicantKind.PERSON:
            ids.parse_citizen_id(code)
        else:
            ids.parse_credit_code(code)
    except ids.InvalidIdentifier:
        return False
    return True


def _id_message(exc: ids.InvalidIdentifier) -> str:
    if exc.problem == ids.IdProblem.CHECK_CHAR:
        return exc.message + "；如核对证件原件无误，可由窗口人员人工确认校验位后继续"
    return exc.message


def _is_phone(value: str) -> bool:
    digits = value.replace("-", "").replace(" ", "").removeprefix("+86")
    return digits.isdigit() and 7 <= len(digits) <= 12


def check_target(version: ItemVersion, kind: str) -> None:
    """A person may apply for 自然人/both items, an organisation for 法人/both."""
    allowed = {
        ApplicantKind.PERSON: {Target.PERSON, Target.BOTH},
        ApplicantKind.ORGANISATION: {Target.ORGANISATION, Target.BOTH},
    }.get(ApplicantKind(kind), set())
    if version.target not in allowed:
        raise TargetMismatch(
            f"事项“{version.name}”的服务对象为{Target(version.target).label}，"
            f"申请人为{ApplicantKind(kind).label}",
            fields={"applicant.kind": "申请人类型与事项服务对象不符"},
        )


# --- materials and the form ----------------------------------------------------------------


def _holder_for(name: str, applicant_code: str, parties: list[Party]) -> str | None:
    for party in parties:
        if name.startswith(party.role):
            return party.code
    if name.startswith(PARTY_ROLE_PREFIXES):
        return None  # another person's data: read only when the clerk names that party
    return applicant_code


def evaluate(version: ItemVersion, resolved: Resolved, conditions: list[str]) -> Evaluation:
    """Decide each material slot's status and pre-fill the form (no writes)."""
    applicant_code = resolved.applicant.code
    materials = list(version.materials.all())
    wanted: dict[str, str] = {}  # material code -> holder code
    for m in materials:
        if m.certificate_type is not None:
            holder = _holder_for(m.name, applicant_code, resolved.parties)
            if holder:
                wanted[m.code] = holder
    type_codes = {m.certificate_type.code for m in materials if m.certificate_type}
    type_codes |= {
        f.source.split(":", 1)[1].split(".", 1)[0]
        for f in version.form_fields.all()
        if f.source.startswith("certificate:")
    }
    holders = set(wanted.values()) | {applicant_code} | {p.code for p in resolved.parties}
    certificates = registry.valid_certificates(holders, type_codes)
    unavailable = _pull_missing(wanted, materials, certificates)
    if unavailable.stored:
        certificates = registry.valid_certificates(holders, type_codes)
    views: list[MaterialView] = []
    reads: list[datahub.Read] = []
    chosen: dict[str, Certificate] = {}  # type code -> certificate used by a material
    selected = set(conditions)
    for m in materials:
        if m.condition and not m.required and m.code not in selected:
            views.append(MaterialView(m, MaterialStatus.OPTIONAL))
        elif m.is_form:
            views.append(MaterialView(m, MaterialStatus.FORM))
        elif m.certificate_type and m.code in wanted:
            cert = certificates.get((wanted[m.code], m.certificate_type.code))
            if cert is not None:
                views.append(MaterialView(m, MaterialStatus.CERTIFICATE, cert))
                chosen.setdefault(m.certificate_type.code, cert)
                reads.append(datahub.Read(cert.holder_code, f"电子证照：{cert.type.name}", cert))
            else:
                down = m.certificate_type.code in unavailable.unavailable_types
                views.append(MaterialView(m, MaterialStatus.NEEDED, source_unavailable=down))
        else:
            views.append(MaterialView(m, MaterialStatus.NEEDED))
    fields = [
        _fill(f.name, f.source, resolved, chosen, certificates) for f in version.form_fields.all()
    ]
    # A certificate read only to fill the form is a read too (用证事由 is logged for each).
    logged = {r.certificate.pk for r in reads if r.certificate is not None}
    for f in fields:
        if f.certificate is not None and f.certificate.pk not in logged:
            logged.add(f.certificate.pk)
            cert = f.certificate
            reads.append(datahub.Read(cert.holder_code, f"电子证照：{cert.type.name}", cert))
    return Evaluation(version, views, fields, reads)


def _pull_missing(
    wanted: dict[str, str],
    materials: list[Material],
    certificates: dict[tuple[str, str], Certificate],
) -> connectors.PullResult:
    """Ask the department systems for certificates the library lacks (共享接口), per holder."""
    result = connectors.PullResult()
    if not connectors.enabled_sources():
        return result
    missing: dict[str, set[str]] = {}
    for m in materials:
        if m.certificate_type and m.code in wanted:
            key = (wanted[m.code], m.certificate_type.code)
            if key not in certificates:
                missing.setdefault(key[0], set()).add(key[1])
    for holder, types in missing.items():
        pulled = connectors.pull_certificates(holder_code=holder, type_codes=types)
        result.stored += pulled.stored
        result.unavailable_types |= pulled.unavailable_types
    return result


def _fill(
    name: str,
    source: str,
    resolved: Resolved,
    chosen: dict[str, Certificate],
    certificates: dict[tuple[str, str], Certificate],
) -> FieldView:
    """Pre-fill one form field from the certificate its source names, from the rules of
    :mod:`onewindow.datahub.derive` (``derived`` fields) or from the registry (fields the
    applicant would type, such as 联系电话); what nothing fills stays ``applicant``."""
    if source.startswith("certificate:"):
        type_code, _, key = source.split(":", 1)[1].partition(".")
        # A field named exactly like the certificate's key (母亲姓名, 死者姓名 on the certificates
        # that carry them) is a face value of the certificate the application uses; only a role
        # word in front of the key (法定代表人姓名) points at another party's own certificate.
        if name == key:
            holder: str | None = resolved.applicant.code
        else:
            holder = _holder_for(name, resolved.applicant.code, resolved.parties)
        cert = None
        if holder and holder != resolved.applicant.code:
            cert = certificates.get((holder, type_code))
        elif holder:
            cert = chosen.get(type_code) or certificates.get((holder, type_code))
        if cert is not None and cert.fields.get(key) not in (None, ""):
            return FieldView(name, str(cert.fields[key]), source, cert)
        return FieldView(name, None, "applicant")
    filled = _derive(name, source, resolved, chosen, certificates)
    if filled is None:
        return FieldView(name, None, "applicant")
    return FieldView(name, filled.value, filled.source)


def _derive(
    name: str,
    source: str,
    resolved: Resolved,
    chosen: dict[str, Certificate],
    certificates: dict[tuple[str, str], Certificate],
) -> derive.Filled | None:
    """Compute a ``derived`` field, or look an ``applicant`` field up in the registry, for the
    person the field is about: the applicant, or a party whose role word starts its name.
    Another party's data is used only when the applicant named that party."""
    applicant = resolved.applicant
    holder = _holder_for(name, applicant.code, resolved.parties)
    if holder is None:
        return None

    def own(code: str) -> dict[str, Certificate]:
        return {type_code: c for (h, type_code), c in certificates.items() if h == code}

    # The applicant may be named in a role of their own (继承人年龄 when the heir applies).
    own_role = next(
        (p.role for p in resolved.parties if p.code == applicant.code and name.startswith(p.role)),
        "",
    )
    me = derive.Subject(
        code=applicant.code,
        is_person=applicant.kind == ApplicantKind.PERSON,
        name=applicant.name,
        role=own_role,
        phone=applicant.phone,
        certificates=own(applicant.code),
        person=applicant.person,
        organisation=applicant.organisation,
    )
    others = [
        derive.Subject(p.code, True, name=p.name, role=p.role, certificates=own(p.code))
        for p in resolved.parties
    ]
    subject = me
    if holder != applicant.code:
        subject = next(o for o in others if o.code == holder and name.startswith(o.role))
    holdings = derive.Holdings(
        subject=subject, applicant=me, today=clock.today(), others=others, used=chosen
    )
    if source == "derived":
        return derive.derive(name, holdings)
    return derive.from_registry(name, holdings)


# --- services ------------------------------------------------------------------------------


def _resolve(app: Application, actor: User) -> tuple[Resolved, list[ItemVersion], str]:
    errors: dict[str, str] = {}
    versions: list[ItemVersion] = []
    bundle_code = ""
    if app.bundle_code:
        bundle = Bundle.objects.filter(code=app.bundle_code).first()
        if bundle is None:
            errors["bundle_code"] = "一件事套餐不存在"
        else:
            bundle_code = bundle.code
            codes = list(bundle.entries.order_by("position").values_list("item__code", flat=True))
            versions = [current_version(c) for c in codes]
    elif not app.item_code:
        errors["item_code"] = "请选择事项"
    else:
        found = catalog.get_current_version(app.item_code)
        if found is None:
            errors["item_code"] = "事项不存在"
        else:
            versions = [found]
    spec = app.applicant if app.applicant is not None else applicant_for_user(actor)
    resolved = resolve_applicant(spec, errors)
    known = {m.code: m for v in versions for m in v.materials.all()}
    for i, code in enumerate(app.conditions):
        if versions and code not in known:
            errors[f"conditions.{i}"] = "情形材料不属于该事项"
    for i, m in enumerate(app.materials):
        if versions and m.material_id not in known:
            errors[f"materials.{i}.material_id"] = "材料不属于该事项"
        if m.provided not in {Provided.PAPER, Provided.ELECTRONIC, Provided.CERTIFICATE}:
            errors[f"materials.{i}.provided"] = "提交方式应为 paper、electronic 或 certificate"
    if errors or resolved is None:
        raise InvalidApplication(fields=errors)
    for v in versions:
        check_target(v, resolved.applicant.kind)
    return resolved, versions, bundle_code


def preview_application(*, app: Application, actor: User) -> Evaluation:
    """Materials checklist and pre-filled form for one item; no case is created.

    Each certificate read is logged with its purpose (default ``受理预审：<事项名称>``).
    Raises InvalidApplication, UnknownItem, TargetMismatch.
    """
    return preview_applications(app=app, actor=actor)[0]


def preview_applications(*, app: Application, actor: User) -> list[Evaluation]:
    """The checklist of an item, or of every item of a 一件事 bundle (``bundle_code``), for one
    applicant; the applicant is checked once and the reads are logged once per certificate
    (default purpose ``受理预审：<事项或套餐名称>``). Raises as :func:`preview_application`.
    """
    resolved, versions, bundle_code = _resolve(app, actor)
    evaluations = [evaluate(v, resolved, app.conditions) for v in versions]
    name = versions[0].name
    if bundle_code:
        name = Bundle.objects.filter(code=bundle_code).values_list("name", flat=True).first() or ""
    seen: set[str] = set()
    reads: list[datahub.Read] = []
    for evaluation in evaluations:
        for read in evaluation.reads:
            key = read.certificate.identifier if read.certificate else read.what
            if key not in seen:
                seen.add(key)
                reads.append(read)
    datahub.log_reads(actor=actor, reads=reads, purpose=app.purpose.strip() or f"受理预审：{name}")
    return evaluations


def _channel_of(actor: User) -> str:
    return Channel.WINDOW if actor.has_role("clerk") else Channel.ONLINE


@transaction.atomic
def submit_application(*, app: Application, actor: User) -> Outcome:
    """Accept an application (one case per item; a bundle opens one case per item with a shared
    group number) or issue one complete supplement notice listing every missing material.

    With ``tolerant`` and only non-key materials missing, accepts under 容缺 with a due date for
    them. Raises InvalidApplication (400 with every bad field), UnknownItem, TargetMismatch.
    Side effects: ledger entries; certificate reads logged with their purpose.
    """
    resolved, versions, bundle_code = _resolve(app, actor)
    provided = {m.material_id: m.provided for m in app.materials}
    conditions = list(dict.fromkeys(app.conditions))
    plans: list[tuple[Evaluation, list[workflow.MaterialReceipt], list[MaterialView]]] = []
    all_missing: list[Missing] = []
    errors: dict[str, str] = {}
    for version in versions:
        evaluation = evaluate(version, resolved, conditions)
        receipts: list[workflow.MaterialReceipt] = []
        missing: list[MaterialView] = []
        for view in evaluation.materials:
            m = view.material
            given = provided.get(m.code)
            if view.status == MaterialStatus.OPTIONAL and given is None:
                continue
            if view.status == MaterialStatus.CERTIFICATE and view.certificate is not None:
                receipts.append(
                    workflow.MaterialReceipt(
                        m.code, m.name, Provided.CERTIFICATE, view.certificate.identifier
                    )
                )
            elif view.status == MaterialStatus.FORM:
                receipts.append(workflow.MaterialReceipt(m.code, m.name, Provided.FORM))
            elif given == Provided.CERTIFICATE:
                index = next(i for i, x in enumerate(app.materials) if x.material_id == m.code)
                errors[f"materials.{index}.provided"] = (
                    "电子证照库中没有该材料的有效证照，请提交纸质或电子材料"
                )
            elif given in {Provided.PAPER, Provided.ELECTRONIC}:
                receipts.append(workflow.MaterialReceipt(m.code, m.name, given))
            elif view.status == MaterialStatus.NEEDED:
                missing.append(view)
        plans.append((evaluation, receipts, missing))
        all_missing += [
            Missing(v.material.code, v.material.name, version.item.code) for v in missing
        ]
    if errors:
        raise InvalidApplication(fields=errors)
    tolerable = app.tolerant and all(
        v.material.is_key is False for _, _, missing in plans for v in missing
    )
    purpose_default = f"受理：{versions[0].name}" if len(versions) == 1 else "一件事受理"
    purpose = app.purpose.strip() or purpose_default
    if all_missing and not tolerable:
        notice = _issue_notice(versions[0], bundle_code, resolved, all_missing, actor)
        datahub.log_reads(
            actor=actor, reads=[r for e, _, _ in plans for r in e.reads], purpose=purpose
        )
        return Outcome(notice=notice, missing=all_missing)
    supplement_due: date | None = None
    if all_missing:
        supplement_due = calendar.add_working_days(
            clock.today(), settings.ONEWINDOW["TOLERANT_DUE_DAYS"]
        )
    today = clock.today()
    group = ""
    if bundle_code:
        group = f"G{settings.REGION_CODE}{today:%Y%m%d}" + (
            f"{sequences.next_value(f'group:{today:%Y%m%d}'):05d}"
        )
    cases: list[Case] = []
    form_values = {str(k): v for k, v in app.form.items()}
    for evaluation, receipts, missing in plans:
        receipts += [
            workflow.MaterialReceipt(v.material.code, v.material.name, Provided.TOLERATED)
            for v in missing
        ]
        form_data: dict[str, Any] = {}
        form_missing: list[str] = []
        for f in evaluation.fields:
            typed = form_values.get(f.name)
            if typed not in (None, "") and f.value is not None and str(typed) != f.value:
                # The clerk or applicant corrected a pre-filled value: keep what the data hub
                # said and where it came from, so the source can be checked and fixed.
                form_data[f.name] = {
                    "value": typed,
                    "source": "applicant",
                    "corrected": {"value": f.value, "source": f.source},
                }
            elif typed not in (None, ""):
                form_data[f.name] = {"value": typed, "source": f.source if f.value else "applicant"}
            elif f.value is not None:
                form_data[f.name] = {"value": f.value, "source": f.source}
            else:
                form_missing.append(f.name)
        case = workflow.open_case(
            new=workflow.NewCase(
                version=evaluation.version,
                applicant=resolved.applicant,
                channel=_channel_of(actor),
                materials=receipts,
                window_code=actor.window_code if _channel_of(actor) == Channel.WINDOW else "",
                clerk=actor if _channel_of(actor) == Channel.WINDOW else None,
                submitted_by=actor,
                conditions=conditions,
                parties=[
                    {"role": p.role, "name": p.name, "id_number": p.code} for p in resolved.parties
                ],
                form_data=form_data,
                form_missing=form_missing,
                is_tolerant=bool(missing),
                supplement_due_on=supplement_due if missing else None,
                group_number=group,
            ),
            actor=actor,
        )
        datahub.log_reads(
            actor=actor, reads=evaluation.reads, purpose=purpose, case_number=case.number
        )
        cases.append(case)
    return Outcome(cases=cases, group_number=group)


def _issue_notice(
    version: ItemVersion,
    bundle_code: str,
    resolved: Resolved,
    missing: list[Missing],
    actor: User,
) -> SupplementNotice:
    today = clock.today()
    seq = sequences.next_value(f"notice:{today:%Y%m%d}")
    number = f"BZ{settings.REGION_CODE}{today:%Y%m%d}{seq:05d}"
    notice = SupplementNotice.objects.create(
        notice_number=number,
        item_version=version,
        bundle_code=bundle_code,
        applicant_kind=resolved.applicant.kind,
        applicant_name=resolved.applicant.name,
        applicant_code=resolved.applicant.code,
        missing=[
            {"material_id": m.material_id, "name": m.name, "item_code": m.item_code}
            for m in missing
        ],
        issued_at=clock.now(),
        issued_by=actor,
        window_code=actor.window_code,
    )
    ledger.record(
        event="intake.supplement_notice",
        actor=actor.ledger_ref,
        target=f"notice:{number}",
        payload={
            "item": version.item.code,
            "bundle": bundle_code,
            "missing": [m.material_id for m in missing],
        },
    )
    return notice


@transaction.atomic
def refuse_application(
    *, item_code: str, applicant: ApplicantInput, reason: str, actor: User
) -> Refusal:
    """不予受理: record the decision with its reason and a numbered written decision.

    Raises InvalidApplication (every bad field), UnknownItem. Side effect: ledger entry.
    """
    errors: dict[str, str] = {}
    version: ItemVersion | None = None
    if not item_code:
        errors["item_code"] = "请选择事项"
    else:
        version = catalog.get_current_version(item_code)
        if version is None:
            errors["item_code"] = "事项不存在"
    if not reason.strip():
        errors["reason"] = "请填写不予受理的理由"
    elif len(reason) > 2000:
        errors["reason"] = "理由过长（最多2000字）"
    resolved = resolve_applicant(applicant, errors)
    if errors or resolved is None or version is None:
        raise InvalidApplication(fields=errors)
    today = clock.today()
    seq = sequences.next_value(f"refusal:{today:%Y%m%d}")
    refusal = Refusal.objects.create(
        number=f"SQ{settings.REGION_CODE}{today:%Y%m%d}{seq:05d}",
        document_number=f"BYSL{settings.REGION_CODE}{today:%Y%m%d}{seq:05d}",
        item_version=version,
        applicant_kind=resolved.applicant.kind,
        applicant_name=resolved.applicant.name,
        applicant_code=resolved.applicant.code,
        reason=reason.strip(),
        refused_at=clock.now(),
        clerk=actor,
        window_code=actor.window_code,
    )
    ledger.record(
        event="intake.refused",
        actor=actor.ledger_ref,
        target=f"refusal:{refusal.number}",
        payload={"item": version.item.code, "version": version.version},
    )
    return refusal
