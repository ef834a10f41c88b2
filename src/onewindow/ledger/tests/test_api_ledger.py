"""The ledger API (API.md "Ledger"): checkpoints, verifier keys, entries and their visibility,
proofs against the pure RFC 9162 functions, and errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.ledger import checkpoints, keys, merkle, notes, selectors, services
from onewindow.ledger.models import LedgerEntry
from onewindow.ledger.notes import b64, unb64
from onewindow.ledger.tests.helpers import append, leaves, post_json

pytestmark = pytest.mark.django_db

TEMP_ID = "SF-GAHZ-013"
PERSON = {
    "kind": "person",
    "id_number": "999901199003071239",
    "name": "张三",
    "phone": "13800138000",
}


def open_checkpoint(text: str) -> checkpoints.Checkpoint:
    served = [
        checkpoints.parse_vkey(v) for v in Client().get("/api/v1/ledger/verifier-keys").json()
    ]
    note = notes.parse_note(text)
    notes.open_note(note, served)
    return checkpoints.parse_checkpoint(note.text)


def test_checkpoint_is_a_signed_note_of_every_committed_entry() -> None:
    append(5)
    response = Client().get("/api/v1/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = open_checkpoint(response.content.decode())
    assert body.size == selectors.get_size() == LedgerEntry.objects.count()
    assert body.root_hash == merkle.root(leaves())
    assert body.origin == keys.origin() == "127.0.0.1:8000/ledger/999900"
    # C2SP tlog-checkpoint: the log's key name is the origin.
    assert notes.parse_note(response.content.decode()).signatures[0].name == body.origin
    append(1)
    assert open_checkpoint(Client().get("/api/v1/ledger/checkpoint").content.decode()).size == (
        body.size + 1
    )


def test_checkpoint_without_any_key_is_409(settings: Any) -> None:
    settings.LEDGER = {**settings.LEDGER, "GENERATE_KEY": False}
    keys.clear_cache()
    response = Client().get("/api/v1/ledger/checkpoint")
    assert response.status_code == 409
    assert response.json()["code"] == "ledger.signing_unavailable"


def test_published_checkpoints_are_served_by_size() -> None:
    append(3)
    published, created = services.publish_checkpoint()
    assert created and published is not None
    again, created_again = services.publish_checkpoint()
    assert again == published and not created_again
    client = Client()
    by_size = client.get(f"/api/v1/ledger/checkpoints/{published.size}")
    assert by_size.status_code == 200 and by_size["Content-Type"].startswith("text/plain")
    assert open_checkpoint(by_size.content.decode()).size == published.size
    assert client.get("/api/v1/ledger/checkpoints/latest").content == by_size.content
    missing = client.get(f"/api/v1/ledger/checkpoints/{published.size + 1}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "ledger.checkpoint_not_found"
    listing = client.get("/api/v1/ledger/checkpoints").json()
    assert listing["total"] == 1
    assert listing["items"][0]["size"] == published.size
    assert listing["items"][0]["root_hash"] == b64(bytes(published.root_hash))


def test_latest_is_404_before_anything_is_published() -> None:
    response = Client().get("/api/v1/ledger/checkpoints/latest")
    assert response.status_code == 404
    assert response.json()["code"] == "ledger.checkpoint_not_found"


def test_verifier_keys_list_log_and_witness_keys() -> None:
    witness = checkpoints.CosignatureSigner.generate("w.example/GAHZ")
    services.register_witness(department_code="GAHZ", vkey=witness.verifier().vkey, actor="system")
    served = Client().get("/api/v1/ledger/verifier-keys").json()
    assert served[: len(keys.log_keys().verifiers)] == [v.vkey for v in keys.log_keys().verifiers]
    assert witness.verifier().vkey in served
    for vkey in served:
        _, key_id, rest = vkey.split("+", 2)
        assert len(key_id) == 8 and unb64(rest)[0] in (0x01, 0x04)


# --- entries ---------------------------------------------------------------------------------


@pytest.fixture
def case_entries(clerk: User, citizen: User, client_for: Any) -> list[int]:
    response = post_json(
        client_for(clerk),
        "/api/v1/cases",
        {"item_code": TEMP_ID, "applicant": PERSON, "materials": []},
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    return list(LedgerEntry.objects.filter(target=f"case:{number}").values_list("index", flat=True))


def test_entry_details_go_to_auditors_and_the_applicant_only(
    case_entries: list[int], citizen: User, outsider: User, client_for: Any
) -> None:
    index = case_entries[0]
    auditor = make_user("auditor1", "auditor")
    url = f"/api/v1/ledger/entries/{index}"
    hidden = Client().get(url).json()
    assert set(hidden) == {"index", "event", "at", "actor", "target", "payload", "leaf_hash"}
    assert hidden["actor"] is None and hidden["target"] is None and hidden["payload"] is None
    assert hidden["event"] == "case.accepted" and hidden["index"] == index
    assert client_for(outsider).get(url).json()["payload"] is None
    for reader in (client_for(auditor), client_for(citizen), Client()):
        suffix = "?verify=1239" if reader.defaults.get("HTTP_AUTHORIZATION") is None else ""
        body = reader.get(url + suffix).json()
        assert body["target"].startswith("case:") and body["actor"].startswith("user:")
        assert isinstance(body["payload"], dict)
    assert Client().get(url + "?verify=0000").json()["payload"] is None


def test_entry_leaf_rebuilds_from_the_served_fields(
    case_entries: list[int], client_for: Any
) -> None:
    auditor = make_user("auditor1", "auditor")
    for index in case_entries:
        body = client_for(auditor).get(f"/api/v1/ledger/entries/{index}").json()
        leaf = services.leaf_input(
            index=body["index"],
            at=LedgerEntry.objects.get(index=index).at,
            event=body["event"],
            actor=body["actor"],
            target=body["target"],
            payload=body["payload"],
        )
        assert f'"at":"{body["at"]}"'.encode() in leaf  # ``at`` is exactly the leaf's
        assert b64(merkle.leaf_hash(leaf)) == body["leaf_hash"]


def test_non_case_entries_stay_hidden_from_applicants(citizen: User, client_for: Any) -> None:
    entry = append(1, prefix="department")[0]
    body = client_for(citizen).get(f"/api/v1/ledger/entries/{entry.index}?verify=1239").json()
    assert body["actor"] is None


def test_unknown_entry_is_404() -> None:
    size = selectors.get_size()
    for index in (size, size + 10, -1):
        response = Client().get(f"/api/v1/ledger/entries/{index}")
        assert response.status_code == 404
        assert response.json()["code"] == "ledger.entry_not_found"


def test_entry_search_and_export_are_for_auditors(
    case_entries: list[int], outsider: User, client_for: Any
) -> None:
    auditor = client_for(make_user("auditor1", "auditor"))
    found = auditor.get("/api/v1/ledger/entries?event=case.&page_size=5").json()
    assert found["total"] >= 1 and found["items"][0]["event"].startswith("case.")
    assert client_for(outsider).get("/api/v1/ledger/entries").status_code == 403
    assert Client().get("/api/v1/ledger/entries").status_code == 401
    start, end = case_entries[0], case_entries[-1] + 1
    export = auditor.get(f"/api/v1/ledger/export?start={start}&end={end}").json()
    body = open_checkpoint(export["checkpoint"])
    assert body.size == export["size"]
    for item in export["entries"]:
        leaf = bytes(LedgerEntry.objects.get(index=item["index"]).leaf_hash)
        proof = [unb64(h) for h in item["proof"]]
        assert merkle.verify_inclusion(leaf, item["index"], body.size, proof, body.root_hash)
    too_many = auditor.get("/api/v1/ledger/export?start=0&end=5000")
    assert too_many.status_code == 400 and too_many.json()["code"] == "ledger.bad_range"


# --- proofs ----------------------------------------------------------------------------------


def test_proofs_match_the_pure_functions_for_any_index_and_sizes() -> None:
    append(40)
    all_leaves = leaves()
    total = len(all_leaves)
    client = Client()

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        size = data.draw(st.integers(1, total), label="size")
        index = data.draw(st.integers(0, size - 1), label="index")
        body = client.get(f"/api/v1/ledger/proofs/inclusion?index={index}&size={size}").json()
        proof = [unb64(h) for h in body["hashes"]]
        assert proof == merkle.inclusion_proof(all_leaves[:size], index)
        root = merkle.root(all_leaves[:size])
        assert merkle.verify_inclusion(
            merkle.leaf_hash(all_leaves[index]), index, size, proof, root
        )
        first = data.draw(st.integers(1, size), label="first")
        body = client.get(f"/api/v1/ledger/proofs/consistency?first={first}&second={size}").json()
        proof = [unb64(h) for h in body["hashes"]]
        assert proof == merkle.consistency_proof(all_leaves[:size], first)
        assert merkle.verify_consistency(first, size, proof, merkle.root(all_leaves[:first]), root)

    check()


def test_proofs_take_one_node_query(django_assert_num_queries: Any) -> None:
    append(33)
    size = selectors.get_size()
    client = Client()
    for index in (0, size // 2, size - 1):
        with django_assert_num_queries(2):  # the head, then every node in one query
            response = client.get(f"/api/v1/ledger/proofs/inclusion?index={index}&size={size}")
        assert response.status_code == 200
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/ledger/proofs/consistency?first=7&second={size}")
    assert response.status_code == 200


def test_trivial_consistency_proofs_are_empty() -> None:
    append(2)
    size = selectors.get_size()
    client = Client()
    for first, second in ((0, size), (size, size), (0, 0)):
        body = client.get(f"/api/v1/ledger/proofs/consistency?first={first}&second={second}")
        assert body.status_code == 200 and body.json() == {"hashes": []}


@pytest.mark.parametrize(
    "query",
    [
        "inclusion?index={size}&size={size}",
        "inclusion?index=0&size={beyond}",
        "inclusion?index=-1&size={size}",
        "inclusion?index=0&size=0",
        "consistency?first=2&second=1",
        "consistency?first=1&second={beyond}",
        "consistency?first=-1&second=1",
    ],
)
def test_ranges_beyond_the_log_are_bad_range(query: str) -> None:
    append(2)
    size = selectors.get_size()
    response = Client().get("/api/v1/ledger/proofs/" + query.format(size=size, beyond=size + 1))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "ledger.bad_range" and body["message"] and "fields" in body


def test_missing_proof_parameters_are_400_input_invalid() -> None:
    response = Client().get("/api/v1/ledger/proofs/inclusion?index=0")
    assert response.status_code == 400
    assert response.json()["code"] == "input.invalid"
    assert "size" in response.json()["fields"]
