"""Parsing the window and online-apply forms into the intake service's inputs, and shaping the
service's answers (checklists, field errors) for the templates.

Nothing here decides an application: identity checks, material rules and outcomes belong to
``intake.services``. These helpers only carry what was typed back to the page, so that an
error never loses the clerk's work, and put each error message next to its field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.http import QueryDict

from onewindow.catalog.models import ItemVersion
from onewindow.core import ids
from onewindow.core.errors import DomainError
from onewindow.intake import services
from onewindow.workflow.enums import ApplicantKind, Provided

MAX_TEXT = 200
MAX_REASON = 2000
MAX_ROWS = 200
MAX_PARTIES = 10
# Ways an applicant or clerk may hand in a material themselves (certificates are automatic).
HANDED_IN = (Provided.PAPER, Provided.ELECTRONIC)
CHECK_CHAR_HELP = {
    "id_number": "公民身份号码校验位不正确。请核对居民身份证原件：如原件号码确与输入一致"
    "（历史上确有少量校验位不符的真实号码），可勾选下方“人工确认校验位”后继续。",
    "credit_code": "统一社会信用代码校验位不正确。请核对营业执照等证照原件：如原件代码确与输入"
    "一致，可勾选下方“人工确认校验位”后继续。",
}
APPLICANT_ERROR_KEYS = {
    "applicant": "applicant",
    "applicant.kind": "kind",
    "applicant.id_number": "id_number",
    "applicant.credit_code": "credit_code",
    "applicant.name": "name",
    "applicant.phone": "phone",
    "item_code": "item",
    "bundle_code": "item",
    "reason": "reason",
}


def _text(data: QueryDict, key: str, limit: int = MAX_TEXT) -> str:
    return data.get(key, "").strip()[:limit]


# --- what was typed ------------------------------------------------------------------------


@dataclass
class PartyRow:
    """Another person named for a material (父亲, 配偶, 法定代表人 …)."""

    role: str = ""
    name: str = ""
    id_number: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not (self.role or self.name or self.id_number)


@dataclass
class Snapshot:
    """What the last successful preview showed, carried in the page so that re-showing the
    form after an error does not read the applicant's certificates again. Display only: the
    services never see it."""

    signature: str
    materials: dict[str, list[str]] = field(default_factory=dict)  # code -> [status, cert]
    fields: dict[str, list[list[str | None]]] = field(default_factory=dict)  # item -> rows

    def dumps(self) -> str:
        return json.dumps(
            {"sig": self.signature, "m": self.materials, "f": self.fields}, ensure_ascii=False
        )

    @classmethod
    def loads(cls, raw: str) -> Snapshot | None:
        """The snapshot a page carried, or None when it is missing or malformed."""
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("sig"), str):
            return None
        raw_materials, raw_fields = data.get("m"), data.get("f")
        materials: dict[str, list[str]] = {}
        if isinstance(raw_materials, dict):
            for code, row in raw_materials.items():
                if isinstance(row, list) and len(row) >= 2:
                    materials[str(code)] = [str(x) for x in row[:2]]
        fields_: dict[str, list[list[str | None]]] = {}
        if isinstance(raw_fields, dict):
            for code, rows in raw_fields.items():
                if isinstance(rows, list):
                    fields_[str(code)] = [
                        [None if x is None else str(x) for x in row[:3]]
                        for row in rows
                        if isinstance(row, list) and len(row) >= 3
                    ]
        return cls(signature=data["sig"], materials=materials, fields=fields_)


@dataclass
class WindowState:
    """Everything on the clerk's workstation form."""

    kind: str = ApplicantKind.PERSON
    id_number: str = ""
    credit_code: str = ""
    name: str = ""
    phone: str = ""
    override_checksum: bool = False
    item_code: str = ""
    bundle_code: str = ""
    conditions: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    provided: dict[str, str] = field(default_factory=dict)
    parties: list[PartyRow] = field(default_factory=list)
    form_values: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    snapshot: Snapshot | None = None

    @property
    def is_organisation(self) -> bool:
        return self.kind == ApplicantKind.ORGANISATION

    @property
    def has_selection(self) -> bool:
        return bool(self.item_code or self.bundle_code)

    @property
    def number(self) -> str:
        """The identity number typed for the chosen kind of applicant."""
        return self.credit_code if self.is_organisation else self.id_number

    @property
    def has_applicant(self) -> bool:
        return bool(self.number and self.name)

    def named_parties(self) -> list[tuple[int, PartyRow]]:
        """Non-blank party rows with their position on the page."""
        return [(i, p) for i, p in enumerate(self.parties) if not p.is_blank]

    def applicant(self) -> services.ApplicantInput:
        return services.ApplicantInput(
            kind=self.kind,
            name=self.name,
            id_number="" if self.is_organisation else self.id_number,
            credit_code=self.credit_code if self.is_organisation else "",
            phone=self.phone,
            parties=[
                services.PartyInput(p.role, p.id_number, p.name) for _, p in self.named_parties()
            ],
            override_checksum=self.override_checksum,
        )

    def materials(self) -> list[services.MaterialInput]:
        return [
            services.MaterialInput(code, self.provided.get(code, Provided.PAPER))
            for code in self.received
        ]

    def preview(self) -> services.Application:
        """The chosen item or bundle for the checklist preview."""
        return services.Application(
            applicant=self.applicant(),
            item_code="" if self.bundle_code else self.item_code,
            bundle_code=self.bundle_code,
            conditions=list(self.conditions),
        )

    def application(self, *, tolerant: bool, with_materials: bool) -> services.Application:
        """The application to submit; without materials the outcome is a one-time notice of
        everything the applicant still has to bring (certificates are served regardless)."""
        return services.Application(
            applicant=self.applicant(),
            item_code="" if self.bundle_code else self.item_code,
            bundle_code=self.bundle_code,
            conditions=list(self.conditions),
            materials=self.materials() if with_materials else [],
            form=dict(self.form_values),
            tolerant=tolerant,
        )

    def signature(self) -> str:
        """Identifies what a preview depends on; a snapshot for other inputs is ignored."""
        parties = ",".join(f"{p.role}:{p.id_number}" for _, p in self.named_parties())
        return "|".join(
            [
                self.kind,
                self.number.upper(),
                self.item_code,
                self.bundle_code,
                ",".join(sorted(self.conditions)),
                parties,
            ]
        )

    def usable_snapshot(self) -> Snapshot | None:
        if self.snapshot is not None and self.snapshot.signature == self.signature():
            return self.snapshot
        return None


def _handed_in(value: str) -> str:
    return value if value in HANDED_IN else Provided.PAPER


def _form_values(data: QueryDict) -> dict[str, str]:
    names = data.getlist("form_field")[:MAX_ROWS]
    values = data.getlist("form_value")[:MAX_ROWS]
    return {
        n.strip()[:60]: v.strip()[:MAX_TEXT]
        for n, v in zip(names, values, strict=False)
        if n.strip() and v.strip()
    }


def parse_window(data: QueryDict) -> WindowState:
    """The workstation form as posted, with the small edits its buttons ask for (choose an
    item or bundle, add or remove a party row)."""
    kind = data.get("kind", ApplicantKind.PERSON)
    received = list(dict.fromkeys(c[:40] for c in data.getlist("received") if c))[:MAX_ROWS]
    parties = [
        PartyRow(role.strip()[:20], name.strip()[:60], number.strip()[:30])
        for role, name, number in zip(
            data.getlist("party_role"),
            data.getlist("party_name"),
            data.getlist("party_id_number"),
            strict=False,
        )
    ][:MAX_PARTIES]
    state = WindowState(
        kind=kind if kind in ApplicantKind.values else ApplicantKind.PERSON,
        id_number=_text(data, "id_number"),
        credit_code=_text(data, "credit_code"),
        name=_text(data, "name"),
        phone=_text(data, "phone"),
        override_checksum=data.get("override_checksum") == "on",
        item_code=_text(data, "item_code", 40),
        bundle_code=_text(data, "bundle_code", 20),
        conditions=list(dict.fromkeys(c[:40] for c in data.getlist("conditions") if c)),
        received=received,
        provided={c: _handed_in(data.get(f"provided_{c}", "")) for c in received},
        parties=parties,
        form_values=_form_values(data),
        reason=_text(data, "reason", MAX_REASON),
        snapshot=Snapshot.loads(data.get("snapshot", "")),
    )
    if chosen := _text(data, "choose_item", 40):
        state.item_code, state.bundle_code, state.conditions = chosen, "", []
    elif chosen := _text(data, "choose_bundle", 20) or (
        _text(data, "bundle_pick", 20) if "pick_bundle" in data else ""
    ):
        state.item_code, state.bundle_code, state.conditions = "", chosen, []
    elif "clear_item" in data:
        state.item_code, state.bundle_code, state.conditions = "", "", []
    if "add_party" in data and len(state.parties) < MAX_PARTIES:
        state.parties.append(PartyRow())
    if (remove := data.get("remove_party", "")).isdigit() and int(remove) < len(state.parties):
        del state.parties[int(remove)]
    return state


@dataclass
class ApplyState:
    """The online-apply form of a citizen or enterprise for one item."""

    conditions: list[str] = field(default_factory=list)
    provided: dict[str, str] = field(default_factory=dict)  # code -> paper/electronic/""
    form_values: dict[str, str] = field(default_factory=dict)

    def application(self, item_code: str) -> services.Application:
        return services.Application(
            applicant=None,
            item_code=item_code,
            conditions=list(self.conditions),
            materials=[
                services.MaterialInput(code, how)
                for code, how in self.provided.items()
                if how in HANDED_IN
            ],
            form=dict(self.form_values),
        )

    def preview(self, item_code: str) -> services.Application:
        return services.Application(
            applicant=None, item_code=item_code, conditions=list(self.conditions)
        )


def parse_apply(data: QueryDict) -> ApplyState:
    codes = [c[:40] for c in data.getlist("material")][:MAX_ROWS]
    return ApplyState(
        conditions=list(dict.fromkeys(c[:40] for c in data.getlist("conditions") if c)),
        provided={c: data.get(f"provided_{c}", Provided.PAPER)[:12] for c in codes},
        form_values=_form_values(data),
    )


# --- errors --------------------------------------------------------------------------------


@dataclass
class PageErrors:
    """A service error split by where it belongs on the page; nothing is dropped."""

    message: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    materials: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    check_char: bool = False

    def __bool__(self) -> bool:
        return bool(self.message or self.fields or self.materials or self.general)


def _is_check_char_error(kind_key: str, value: str) -> bool:
    try:
        if kind_key == "id_number":
            ids.parse_citizen_id(value)
        else:
            ids.parse_credit_code(value)
    except ids.InvalidIdentifier as exc:
        return exc.problem == ids.IdProblem.CHECK_CHAR
    return False


def page_errors(
    exc: DomainError,
    *,
    materials: Sequence[services.MaterialInput] = (),
    parties: Sequence[tuple[int, PartyRow]] = (),
    values: Mapping[str, str] | None = None,
) -> PageErrors:
    """Place each dotted error path (API.md) next to its field on the page.

    ``materials`` and ``parties`` are what was sent, in the order sent, so that
    ``materials.2.provided`` and ``applicant.parties.0.name`` find their rows; ``values`` are
    the typed identity numbers, to tell a wrong check character from a wrong format.
    """
    out = PageErrors(message=exc.message)
    values = values or {}
    for path, text in exc.fields.items():
        parts = path.split(".")
        if path in APPLICANT_ERROR_KEYS:
            key = APPLICANT_ERROR_KEYS[path]
            if key in CHECK_CHAR_HELP and _is_check_char_error(key, values.get(key, "")):
                out.check_char = True
                text = CHECK_CHAR_HELP[key]
            out.fields[key] = text
        elif parts[0] == "conditions":
            out.fields["conditions"] = text
        elif parts[0] == "materials" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(materials):
                out.materials[materials[index].material_id] = text
            else:
                out.general.append(text)
        elif parts[:2] == ["applicant", "parties"] and len(parts) == 4 and parts[2].isdigit():
            index = int(parts[2])
            if index < len(parties):
                parties[index][1].errors[parts[3]] = text
            else:
                out.general.append(text)
        else:
            out.general.append(text)
    return out


# --- what the page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialRow:
    code: str
    name: str
    required: bool
    condition: str
    is_key: bool
    form: str
    copies: int
    status: str  # services.MaterialStatus value, or "" before a preview
    certificate_name: str
    received: bool
    provided: str
    error: str


@dataclass(frozen=True)
class FieldRow:
    name: str
    value: str | None  # pre-filled value, None when it has to be typed
    source: str
    typed: str
    repeated: bool  # the same field already appears for an earlier item of a bundle


@dataclass(frozen=True)
class ConditionRow:
    code: str
    condition: str
    material_name: str
    checked: bool


@dataclass(frozen=True)
class ItemChecklist:
    version: ItemVersion
    conditions: list[ConditionRow]
    materials: list[MaterialRow]
    fields: list[FieldRow]
    previewed: bool

    @property
    def needed_count(self) -> int:
        return sum(1 for m in self.materials if m.status == services.MaterialStatus.NEEDED)


def _certificate_label(view: services.MaterialView) -> str:
    if view.certificate is not None:
        return view.certificate.type.name
    ctype = view.material.certificate_type
    return ctype.name if ctype is not None else ""


def build_checklists(
    guides: Sequence[ItemVersion],
    evaluations: Mapping[str, services.Evaluation],
    *,
    snapshot: Snapshot | None,
    conditions: Sequence[str],
    received: Sequence[str],
    provided: Mapping[str, str],
    form_values: Mapping[str, str],
    material_errors: Mapping[str, str],
) -> list[ItemChecklist]:
    """One checklist per item: statuses from a fresh preview, else from the page's snapshot,
    else unknown (the material list itself always comes from the item guide)."""
    chosen, ticked = set(conditions), set(received)
    seen_fields: set[str] = set()
    out: list[ItemChecklist] = []
    for version in guides:
        evaluation = evaluations.get(version.item.code)
        views = {v.material.code: v for v in evaluation.materials} if evaluation else {}
        rows: list[MaterialRow] = []
        for m in version.materials.all():
            status, cert_name = "", ""
            if m.code in views:
                status, cert_name = views[m.code].status, _certificate_label(views[m.code])
            elif snapshot is not None and m.code in snapshot.materials:
                status, cert_name = snapshot.materials[m.code][:2]
            rows.append(
                MaterialRow(
                    code=m.code,
                    name=m.name,
                    required=m.required,
                    condition=m.condition,
                    is_key=m.is_key,
                    form=m.form,
                    copies=m.copies,
                    status=status,
                    certificate_name=cert_name,
                    received=m.code in ticked,
                    provided=provided.get(m.code, Provided.PAPER),
                    error=material_errors.get(m.code, ""),
                )
            )
        if evaluation is not None:
            raw: list[list[str | None]] = [[f.name, f.value, f.source] for f in evaluation.fields]
        elif snapshot is not None and version.item.code in snapshot.fields:
            raw = snapshot.fields[version.item.code]
        else:
            raw = [[f.name, None, f.source] for f in version.form_fields.all()]
        fields_: list[FieldRow] = []
        for name, value, source in raw:
            key = name or ""
            fields_.append(
                FieldRow(
                    name=key,
                    value=value,
                    source=source or "applicant",
                    typed=form_values.get(key, ""),
                    repeated=key in seen_fields,
                )
            )
            seen_fields.add(key)
        out.append(
            ItemChecklist(
                version=version,
                conditions=[
                    ConditionRow(m.code, m.condition, m.name, m.code in chosen)
                    for m in version.materials.all()
                    if m.condition
                ],
                materials=rows,
                fields=fields_,
                previewed=evaluation is not None or any(r.status for r in rows),
            )
        )
    return out


def snapshot_of(signature: str, evaluations: Mapping[str, services.Evaluation]) -> Snapshot | None:
    """The display snapshot of a fresh preview (None when there was none)."""
    if not evaluations:
        return None
    return Snapshot(
        signature=signature,
        materials={
            v.material.code: [v.status, _certificate_label(v)]
            for e in evaluations.values()
            for v in e.materials
        },
        fields={
            code: [[f.name, f.value, f.source] for f in e.fields] for code, e in evaluations.items()
        },
    )
