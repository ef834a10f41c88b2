"""The standard item catalog (事项库) at the finest grain, versioned.

An :class:`Item` is the stable identity (its catalog code); every published content change is a
new :class:`ItemVersion` with its own materials, steps and form fields. A case keeps the version
it was accepted under, so editing an item never changes running cases.
"""

from __future__ import annotations

from django.db import models

from onewindow.accounts.models import Department
from onewindow.catalog.enums import (
    HolderKind,
    ItemType,
    MaterialForm,
    OnlineDepth,
    StepKind,
    Target,
)
from onewindow.core.models import TimeStampedModel


class CertificateType(TimeStampedModel):
    """A kind of electronic certificate (电子证照类型)."""

    code = models.CharField("证照代码", max_length=20, unique=True)
    name = models.CharField("证照名称", max_length=60)
    issuing_department = models.ForeignKey(
        Department, verbose_name="发证部门", on_delete=models.PROTECT
    )
    holder_kind = models.CharField("持证主体", max_length=6, choices=HolderKind.choices)
    key_fields = models.JSONField("照面信息项", default=list)
    national_code = models.CharField("证照类型代码", max_length=30)

    class Meta:
        verbose_name = "电子证照类型"
        verbose_name_plural = "电子证照类型"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Item(TimeStampedModel):
    """The stable identity of a 政务服务事项; content lives in versions."""

    code = models.CharField("事项编码", max_length=40, unique=True)
    current_version = models.OneToOneField(
        "ItemVersion",
        verbose_name="现行版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ItemVersion(TimeStampedModel):
    """One published version of an item's guide. Rows are never edited once a case uses them;
    the admin publishes a new version instead."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField("版本号")
    is_current = models.BooleanField("现行", default=True)
    effective_from = models.DateTimeField("生效时间")
    effective_to = models.DateTimeField("失效时间", null=True, blank=True)
    name = models.CharField("事项名称", max_length=100)
    aliases = models.JSONField("别名", default=list, blank=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    department = models.ForeignKey(Department, verbose_name="实施部门", on_delete=models.PROTECT)
    item_type_code = models.CharField("事项类型", max_length=2, choices=ItemType.choices)
    target = models.CharField("服务对象", max_length=6, choices=Target.choices)
    legal_days = models.PositiveIntegerField("法定时限（工作日）")
    promised_days = models.PositiveIntegerField("承诺时限（工作日）")
    visits = models.PositiveSmallIntegerField("到现场次数")
    online = models.CharField("网办深度", max_length=8, choices=OnlineDepth.choices)
    fee = models.CharField("收费", max_length=200, default="不收费")
    legal_basis = models.TextField("设定依据", blank=True)
    description = models.TextField("事项说明", blank=True)
    basic_code = models.CharField("基本编码", max_length=20, blank=True)
    implementation_code = models.CharField("实施编码", max_length=40, blank=True)
    content_hash = models.CharField("内容摘要", max_length=64, editable=False)
    search_text = models.TextField("检索文本", blank=True, editable=False)
    initials = models.TextField("拼音首字母", blank=True, editable=False)

    class Meta:
        verbose_name = "事项版本"
        verbose_name_plural = "事项版本"
        ordering = ["item__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="item_version_once"),
        ]
        indexes = [models.Index(fields=["is_current", "department"], name="item_current_dept")]

    def __str__(self) -> str:
        return f"{self.name}（{self.item.code} v{self.version}）"

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def is_instant(self) -> bool:
        """即办件: the promised limit is 0 working days."""
        return self.promised_days == 0

    @property
    def item_type(self) -> str:
        return ItemType(self.item_type_code).label


class Material(models.Model):
    """A material slot of an item version (申请材料)."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField("顺序")
    code = models.CharField("材料编号", max_length=40)
    name = models.CharField("材料名称", max_length=120)
    required = models.BooleanField("必需", default=True)
    condition = models.CharField("适用情形", max_length=200, blank=True)
    is_form = models.BooleanField("申请表", default=False)
    is_key = models.BooleanField(
        "关键材料", default=True, help_text="容缺受理时不可缺少的材料；非关键材料可承诺后补"
    )
    copies = models.PositiveSmallIntegerField("份数", default=1)
    form = models.CharField("形式", max_length=4, choices=MaterialForm.choices)
    certificate_type = models.ForeignKey(
        CertificateType,
        verbose_name="可替代的电子证照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    data_fields = models.JSONField("数据项", default=list, blank=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="material_code_per_version")
        ]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """A handling step; consecutive steps with the same parallel group form one stage."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("环节名称", max_length=40)
    department = models.ForeignKey(Department, verbose_name="承办部门", on_delete=models.PROTECT)
    role = models.CharField("承办岗位", max_length=120, blank=True)
    days = models.PositiveIntegerField("工作日", default=0)
    parallel_group = models.CharField("并联组", max_length=40, blank=True)
    kind = models.CharField("环节类型", max_length=12, choices=StepKind.choices)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class FormField(models.Model):
    """A field of the item's application form and where its value comes from."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="form_fields")
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("字段名", max_length=60)
    source = models.CharField("数据来源", max_length=80, default="applicant")

    class Meta:
        verbose_name = "申请表字段"
        verbose_name_plural = "申请表字段"
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class Bundle(TimeStampedModel):
    """一件事: several items applied for together with shared materials and one form."""

    code = models.CharField("套餐代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    description = models.TextField("说明", blank=True)
    promised_days = models.PositiveIntegerField("承诺时限（工作日）")
    shared_materials = models.JSONField("共享材料", default=list, blank=True)
    items: models.ManyToManyField[Item, BundleItem] = models.ManyToManyField(
        Item, through="BundleItem", related_name="bundles"
    )

    class Meta:
        verbose_name = "一件事套餐"
        verbose_name_plural = "一件事套餐"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["bundle", "position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_once")]

    def __str__(self) -> str:
        return f"{self.bundle_id}:{self.item_id}"


class DistrictVariant(TimeStampedModel):
    """How a district handles an item today, before standardisation (三不统一 analysis input)."""

    variant_id = models.CharField(max_length=60, unique=True)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="district_variants")
    district_code = models.CharField("区划代码", max_length=12)
    district_name = models.CharField("区名", max_length=20)
    local_name = models.CharField("区级名称", max_length=100)
    materials = models.JSONField(default=list)
    steps = models.JSONField(default=list)
    promised_days = models.PositiveIntegerField()
    deviations = models.JSONField(default=list)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "区级实施差异"
        verbose_name_plural = "区级实施差异"
        ordering = ["item", "district_code"]

    def __str__(self) -> str:
        return self.variant_id
