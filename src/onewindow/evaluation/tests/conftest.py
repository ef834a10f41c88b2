"""Fixtures: a case opened for 张三 (the ``citizen`` persona) and department admins."""

from __future__ import annotations

import pytest

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.datahub.models import Person
from onewindow.workflow.models import Case
from onewindow.workflow.tests.factories import make_case


@pytest.fixture
def case(clerk: User, citizen: User, citizen_person: Person) -> Case:
    return make_case(clerk=clerk, person=citizen_person)


@pytest.fixture
def dept_admin(db: None) -> User:
    return make_user("gahz_admin", "dept_admin", department="GAHZ", name="公安管理员")


@pytest.fixture
def other_dept_admin(db: None) -> User:
    return make_user("sc_admin", "dept_admin", department="SC", name="市场管理员")
