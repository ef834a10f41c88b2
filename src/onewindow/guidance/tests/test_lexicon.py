"""The lexicon: admins add entries in the admin and the index follows at once; the curated
file loads idempotently; other processes notice changes through the revision."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from onewindow.accounts.models import User
from onewindow.guidance import selectors, services
from onewindow.guidance.enums import LexiconKind, LexiconSource
from onewindow.guidance.models import IndexRevision, LexiconEntry, UnansweredQuery
from onewindow.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
NEW_PHRASE = "宇航员体检证明"


@pytest.fixture
def admin_client() -> tuple[Client, User]:
    admin = User.objects.create_superuser("root", password="x", email="")
    client = Client()
    client.force_login(admin)
    return client, admin


def top_code(q: str) -> str:
    return selectors.get_engine().search(q, 3).results[0].code


def test_adding_an_entry_in_the_admin_fixes_the_query_immediately(
    admin_client: tuple[Client, User],
) -> None:
    client, _ = admin_client
    assert top_code(NEW_PHRASE) != "SF-WJ-006"
    response = client.post(
        "/admin/guidance/lexiconentry/add/",
        {"kind": "synonym", "phrase": NEW_PHRASE, "codes_text": "SF-WJ-006", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LexiconEntry.objects.get(phrase=NEW_PHRASE)
    assert entry.source == LexiconSource.ADMIN and entry.codes == ["SF-WJ-006"]
    answer = selectors.get_engine().search(NEW_PHRASE, 3)
    assert answer.results[0].code == "SF-WJ-006"
    assert answer.results[0].reason == f"匹配常用说法：{NEW_PHRASE}"
    assert LedgerEntry.objects.filter(event="guidance.lexicon_saved").exists()


def test_admin_form_rejects_unknown_codes_and_missing_targets(
    admin_client: tuple[Client, User],
) -> None:
    client, _ = admin_client
    response = client.post(
        "/admin/guidance/lexiconentry/add/",
        {"kind": "synonym", "phrase": "不存在的说法", "codes_text": "SF-NOPE-001"},
    )
    assert response.status_code == 200
    assert "事项或一件事编码不存在：SF-NOPE-001" in response.content.decode()
    response = client.post(
        "/admin/guidance/lexiconentry/add/", {"kind": "synonym", "phrase": "没有目标"}
    )
    assert "二者选一" in response.content.decode()
    assert not LexiconEntry.objects.filter(source=LexiconSource.ADMIN).exists()


def test_unanswered_question_links_to_a_prefilled_entry_and_is_resolved(
    admin_client: tuple[Client, User],
) -> None:
    client, _ = admin_client
    services.answer_query(query=NEW_PHRASE)
    question = UnansweredQuery.objects.get(text=NEW_PHRASE)
    listing = client.get("/admin/guidance/unansweredquery/").content.decode()
    assert NEW_PHRASE in listing and "添加导办词条" in listing
    response = client.post(
        f"/admin/guidance/lexiconentry/add/?from_query={question.pk}",
        {"kind": "synonym", "phrase": NEW_PHRASE, "codes_text": "SF-WJ-006", "is_active": "on"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.is_resolved and question.resolved_at is not None


def test_recheck_action_resolves_questions_the_engine_now_answers(
    admin_client: tuple[Client, User],
) -> None:
    client, admin = admin_client
    services.answer_query(query=NEW_PHRASE)
    services.save_lexicon_entry(
        entry=None,
        data=services.LexiconEntryData(LexiconKind.SYNONYM, NEW_PHRASE, ("SF-WJ-006",)),
        actor=admin,
    )
    question = UnansweredQuery.objects.get()
    response = client.post(
        "/admin/guidance/unansweredquery/",
        {"action": "recheck", "_selected_action": [question.pk]},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.is_resolved


def test_rewrite_entries_fix_typos_before_searching(admin_client: tuple[Client, User]) -> None:
    _, admin = admin_client
    services.save_lexicon_entry(
        entry=None,
        data=services.LexiconEntryData(LexiconKind.DIALECT, "揸车证", replacement="驾照"),
        actor=admin,
    )
    answer = selectors.get_engine().search("揸车证唔见咗", 3)
    assert answer.results[0].code == "SF-GAJG-002"


def test_editing_a_curated_entry_makes_it_the_admins(admin_client: tuple[Client, User]) -> None:
    _, admin = admin_client
    entry = LexiconEntry.objects.filter(source=LexiconSource.CURATED, kind="synonym").first()
    assert entry is not None
    services.save_lexicon_entry(
        entry=entry,
        data=services.LexiconEntryData(entry.kind, entry.phrase, tuple(entry.codes), "", False),
        actor=admin,
    )
    entry.refresh_from_db()
    assert entry.source == LexiconSource.ADMIN and not entry.is_active
    services.load_curated_lexicon()
    entry.refresh_from_db()
    assert not entry.is_active  # the loader leaves admin rows alone


def test_deleting_an_entry_drops_it_from_the_index(admin_client: tuple[Client, User]) -> None:
    _, admin = admin_client
    entry = services.save_lexicon_entry(
        entry=None,
        data=services.LexiconEntryData(LexiconKind.SYNONYM, NEW_PHRASE, ("SF-WJ-006",)),
        actor=admin,
    )
    assert top_code(NEW_PHRASE) == "SF-WJ-006"
    services.delete_lexicon_entry(entry=entry, actor=admin)
    assert top_code(NEW_PHRASE) != "SF-WJ-006"


def test_curated_load_is_idempotent() -> None:
    first = services.load_curated_lexicon()
    again = services.load_curated_lexicon()
    assert again == {**again, "created": 0, "updated": 0, "removed": 0}
    assert LexiconEntry.objects.filter(source=LexiconSource.CURATED).count() == first["total"]


def test_curated_rows_missing_from_the_file_are_removed() -> None:
    LexiconEntry.objects.create(
        kind=LexiconKind.SYNONYM, phrase="旧说法", codes=["SF-WJ-006"], source="curated"
    )
    assert services.load_curated_lexicon()["removed"] == 1


@override_settings(GUIDANCE={"REFRESH_SECONDS": 3600})
def test_other_processes_see_a_change_after_the_refresh_interval() -> None:
    engine = selectors.get_engine()
    # Another process adds an entry: the row and the revision change in the database only.
    LexiconEntry.objects.create(kind=LexiconKind.SYNONYM, phrase=NEW_PHRASE, codes=["SF-WJ-006"])
    IndexRevision.objects.update_or_create(pk=1, defaults={"number": 999})
    assert selectors.get_engine() is engine  # within the interval: no database check
    with override_settings(GUIDANCE={"REFRESH_SECONDS": 0}):
        fresh = selectors.get_engine()
    assert fresh is not engine
    assert fresh.search(NEW_PHRASE, 1).results[0].code == "SF-WJ-006"


@override_settings(GUIDANCE={"REFRESH_SECONDS": 0})
def test_a_catalog_alias_published_in_the_admin_is_searchable() -> None:
    from onewindow.catalog import services as catalog
    from onewindow.catalog.models import ItemVersion

    version = ItemVersion.objects.get(item__code="SF-WJ-006", is_current=True)
    data = catalog.snapshot(version)
    data["aliases"] = [*data["aliases"], NEW_PHRASE]
    catalog.publish_item_version(data=data)
    answer = selectors.get_engine().search(NEW_PHRASE, 1)
    assert answer.results[0].code == "SF-WJ-006"
    assert answer.results[0].reason == f"匹配别名：{NEW_PHRASE}"
