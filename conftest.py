"""Shared fixtures: the reference catalog loaded once, personas and API clients.

Personas (STYLE §5): ``citizen``, ``clerk``, ``approver`` (of GAHZ, 户政) and ``outsider`` (an
authenticated applicant with no part in anything the test creates).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import api_client, make_user
from onewindow.catalog import services as catalog
from onewindow.datahub.models import Person
from onewindow.datahub.tests.factories import give_certificate, make_person


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        catalog.load_catalog()
    return


@pytest.fixture
def clerk(db: None) -> User:
    return make_user("clerk1", "clerk", department="ZW", window_code="A01", name="王窗口")


@pytest.fixture
def approver(db: None) -> User:
    return make_user("approver1", "approver", department="GAHZ", name="李审批")


@pytest.fixture
def other_approver(db: None) -> User:
    return make_user("approver2", "approver", department="SC", name="赵审批")


@pytest.fixture
def centre_admin(db: None) -> User:
    return make_user("centre", "centre_admin", department="ZW", name="中心管理员")


@pytest.fixture
def citizen_person(db: None) -> Person:
    person = make_person(name="张三", id_number="999901199003071239")
    for code in ("EC-SFZ", "EC-HKB"):
        give_certificate(person, code)
    return person


@pytest.fixture
def citizen(citizen_person: Person) -> User:
    user = make_user("citizen1", "citizen", name=citizen_person.name)
    citizen_person.user = user
    citizen_person.save(update_fields=["user"])
    return user


@pytest.fixture
def outsider(db: None) -> User:
    person = make_person(name="局外人", id_number="999902198501011230")
    user = make_user("outsider1", "citizen", name=person.name)
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def client_for() -> Any:
    """``client_for(user)`` → a Django test client sending that user's bearer token."""

    def make(user: User | None) -> Client:
        return api_client(user)

    return make


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Per-process caches must not carry rows across tests' rolled-back transactions."""
    from onewindow.catalog.selectors import clear_version_cache
    from onewindow.core import calendar

    clear_version_cache()
    calendar.invalidate()
