"""Errors of the evaluation app, each with a stable code and a Chinese message."""

from __future__ import annotations

from onewindow.core.errors import BadInput, Conflict, NotFound, PermissionDenied


class ReviewForbidden(PermissionDenied):
    code = "review.forbidden"
    message = "只有申请人或持有有效评价码的人可以评价此办件"


class ReviewDuplicate(Conflict):
    code = "review.duplicate"
    message = "此办件的该环节已评价，不能重复评价"


class ReviewNotRateable(Conflict):
    code = "review.not_rateable"
    message = "办件尚未办结，暂不能对办结环节评价"


class ReviewTokenInvalid(ReviewForbidden):
    code = "review.forbidden"
    message = "评价码无效或已过期"


class RectificationNotFound(NotFound):
    code = "rectification.not_found"
    message = "未找到该整改单"


class IllegalTransition(Conflict):
    code = "rectification.illegal_transition"
    message = "整改单当前状态不允许此操作"


class ClassificationRequired(BadInput):
    code = "input.invalid"
    message = "联系核实时须选择分类"
