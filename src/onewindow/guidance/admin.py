"""Lexicon maintenance and the unanswered-question list for catalog admins.

Saving or deleting an entry goes through the services, so the index follows at once and the
change is in the ledger. An unanswered question links to a pre-filled new entry; saving that
entry re-checks the question and marks it resolved when it is now answered.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from onewindow.accounts.models import User
from onewindow.core.errors import BadInput
from onewindow.guidance import selectors, services
from onewindow.guidance.enums import LexiconKind
from onewindow.guidance.models import LexiconEntry, UnansweredQuery


class LexiconEntryForm(forms.ModelForm[LexiconEntry]):
    """Codes are typed as text (``SF-GAHZ-013, YJS-001``) and checked by the service."""

    codes_text = forms.CharField(
        label="指向事项编码",
        required=False,
        help_text="事项或一件事编码，多个用逗号或空格分隔，如 SF-GAHZ-013, YJS-001",
    )

    class Meta:
        model = LexiconEntry
        fields = ("kind", "phrase", "codes_text", "replacement", "is_active", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["codes_text"].initial = ", ".join(self.instance.codes)

    def data_for_service(self) -> services.LexiconEntryData:
        raw = str(self.cleaned_data.get("codes_text") or "").replace("，", ",")
        codes = tuple(c for part in raw.split(",") for c in part.split() if c)
        return services.LexiconEntryData(
            kind=str(self.cleaned_data.get("kind") or ""),
            phrase=str(self.cleaned_data.get("phrase") or ""),
            codes=codes,
            replacement=str(self.cleaned_data.get("replacement") or ""),
            is_active=bool(self.cleaned_data.get("is_active")),
            note=str(self.cleaned_data.get("note") or ""),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            services.validate_entry(self.data_for_service())
        except BadInput as exc:
            for name, message in exc.fields.items():
                self.add_error("codes_text" if name == "codes" else name, message)
        return cleaned


@admin.register(LexiconEntry)
class LexiconEntryAdmin(admin.ModelAdmin[LexiconEntry]):
    form = LexiconEntryForm
    list_display = ("phrase", "kind", "targets", "is_active", "source", "updated_at")
    list_filter = ("kind", "source", "is_active")
    search_fields = ("phrase", "replacement", "note")
    readonly_fields = ("source", "created_at", "updated_at")

    @admin.display(description="指向")
    def targets(self, obj: LexiconEntry) -> str:
        if obj.replacement:
            return f"改写为“{obj.replacement}”"
        return "、".join(f"{c} {selectors.item_name(c)}" for c in obj.codes)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        if request.GET.get("codes"):
            initial["codes_text"] = request.GET["codes"]
        return initial

    def save_model(self, request: HttpRequest, obj: LexiconEntry, form: Any, change: bool) -> None:
        actor = request.user
        assert isinstance(actor, User)  # the admin site requires a signed-in staff user
        saved = services.save_lexicon_entry(
            entry=obj if change else None, data=form.data_for_service(), actor=actor
        )
        obj.pk = saved.pk
        question = request.GET.get("from_query") or request.POST.get("from_query")
        if question and question.isdigit():
            done = services.recheck_unanswered(
                queries=UnansweredQuery.objects.filter(pk=int(question))
            )
            if done:
                messages.success(request, "该问题现在已能得到回答，已标记为已解决。")

    def delete_model(self, request: HttpRequest, obj: LexiconEntry) -> None:
        actor = request.user
        assert isinstance(actor, User)
        services.delete_lexicon_entry(entry=obj, actor=actor)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[LexiconEntry]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        for entry in queryset:
            services.delete_lexicon_entry(entry=entry, actor=actor)


@admin.register(UnansweredQuery)
class UnansweredQueryAdmin(admin.ModelAdmin[UnansweredQuery]):
    list_display = ("text", "count", "last_seen_at", "best_guess", "is_resolved", "add_entry")
    list_filter = ("is_resolved",)
    search_fields = ("text",)
    ordering = ("is_resolved", "-count", "-last_seen_at")
    actions = ("recheck", "mark_resolved")
    readonly_fields = (
        "text",
        "count",
        "first_seen_at",
        "last_seen_at",
        "best_code",
        "is_resolved",
        "resolved_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # questions come from citizens only

    @admin.display(description="当时的首个结果")
    def best_guess(self, obj: UnansweredQuery) -> str:
        return f"{obj.best_code} {selectors.item_name(obj.best_code)}" if obj.best_code else "—"

    @admin.display(description="处理")
    def add_entry(self, obj: UnansweredQuery) -> str:
        """The question itself as an example question (常见问法: new wordings of it are
        answered too), or any other entry pre-filled with it."""
        add = reverse("admin:guidance_lexiconentry_add")

        def url(kind: str) -> str:
            fields = {"phrase": obj.text, "kind": kind, "codes": obj.best_code}
            return f"{add}?{urlencode({**fields, 'from_query': obj.pk})}"

        return format_html(
            '<a href="{}">加为常见问法</a> · <a href="{}">添加导办词条</a>',
            url(LexiconKind.EXAMPLE),
            url(LexiconKind.SYNONYM),
        )

    @admin.action(description="重新检查：现在能回答的标记为已解决")
    def recheck(self, request: HttpRequest, queryset: QuerySet[UnansweredQuery]) -> None:
        done = services.recheck_unanswered(queries=queryset)
        self.message_user(request, f"已解决 {done} 个问题。")

    @admin.action(description="标记为已解决")
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[UnansweredQuery]) -> None:
        count = services.resolve_unanswered(queries=queryset)
        self.message_user(request, f"已标记 {count} 个问题。")
