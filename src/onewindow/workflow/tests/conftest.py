"""Back-office personas beyond the root ones: approvers and heads of the departments that the
test items pass through."""

from __future__ import annotations

import pytest

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user


@pytest.fixture
def rssb_approver(db: None) -> User:
    return make_user("approver-rssb", "approver", department="RSSB", name="钱社保")


@pytest.fixture
def rsjy_approver(db: None) -> User:
    return make_user("approver-rsjy", "approver", department="RSJY", name="孙就业")


@pytest.fixture
def gahz_head(db: None) -> User:
    return make_user("deptadmin-gahz", "dept_admin", department="GAHZ", name="周科长")


@pytest.fixture
def sc_head(db: None) -> User:
    return make_user("deptadmin-sc", "dept_admin", department="SC", name="吴科长")
