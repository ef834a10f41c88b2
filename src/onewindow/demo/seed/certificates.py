"""Certificates: validity terms, printed numbers and face values (照面信息) by type."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from faker import Faker

from onewindow.demo.seed.common import DISTRICTS, _add_years
from onewindow.demo.seed.plans import _Holder, _PersonPlan

_EDUCATION: Final = ("初中", "高中", "中等专科", "大学专科", "大学本科", "研究生")
_MAJORS: Final = ("计算机科学与技术", "会计学", "汉语言文学", "土木工程", "临床医学", "法学")
_VEHICLE_BRANDS: Final = (
    ("大众", "大众牌FV7152FBDBG"),
    ("丰田", "丰田牌TV7250HEV"),
    ("比亚迪", "比亚迪牌BYD7005BEVA"),
    ("吉利", "吉利牌MR7153A01"),
    ("本田", "本田牌HG7153AAC6"),
)


# Validity of each certificate type in years (None: long-term). 居民身份证 depends on age
# (《居民身份证法》§5) and is handled separately.
_TERM_YEARS: Final[dict[str, int | None]] = {
    "EC-JZZ": 1,
    "EC-JSZ": 6,
    "EC-SBK": 10,
    "EC-SPJY": 5,
    "EC-DBZ": 1,
    "EC-JKZM": 1,
    "EC-DLYS": 6,
    "EC-CYZG": 6,
    "EC-CJRZ": 10,
}


def _number(type_code: str, serial: str, holder: _Holder, issued_on: date) -> str:
    """The certificate number printed on it; unique per type and issuer, as the table needs."""
    region = holder.region_code
    district = DISTRICTS.get(region, "")
    year = issued_on.year
    code = holder.id_number if isinstance(holder, _PersonPlan) else holder.credit_code
    numbers = {
        "EC-SFZ": code,
        "EC-JSZ": code,
        "EC-CYZG": code,
        # The disability card number appends category (4: physical) and grade (4) to the ID.
        "EC-CJRZ": f"{code}44",
        "EC-HKB": f"{region[-2:]}{serial}",
        "EC-SBK": f"S{serial}",
        # A business licence is numbered by the unified social credit code it carries.
        "EC-YYZZ": code,
        "EC-SPJY": f"JY1{region}{serial}",
        "EC-BDCQZ": f"示（{year}）{district}不动产权第{serial}号",
        "EC-BDCZM": f"示（{year}）{district}不动产证明第{serial}号",
        "EC-JHZ": f"J{region}-{year}-{serial}",
        "EC-LHZ": f"L{region}-{year}-{serial}",
        "EC-CSZM": f"Q{serial}",
        "EC-GHXK": f"建字第{region}{year}{serial}号",
        "EC-SGXK": f"{region}{year:04d}{serial}",
        "EC-YSXK": f"示房预售证第{year}{serial}号",
        "EC-DLYS": f"示交运管许可字{region}{serial}号",
        "EC-YDZ": f"YD{region}{serial}",
        "EC-DJZS": f"99{serial}",
    }
    return numbers.get(type_code, f"{type_code.removeprefix('EC-')}{region}{serial}")


@dataclass(frozen=True)
class _FieldContext:
    holder: _Holder
    type_code: str
    issuer: str
    number: str
    serial: str
    issued_on: date
    valid_to: date | None
    anchor: date
    rng: random.Random
    fake: Faker
    extra: dict[str, str]


def _field_values(c: _FieldContext) -> dict[str, str]:
    """Face values (照面信息) of a certificate: common ones from the holder, then the type's own,
    then ``extra`` (relatives, vehicles, property) which wins."""
    issued = c.issued_on.isoformat()
    period = (
        f"{c.issued_on:%Y.%m.%d}-{c.valid_to:%Y.%m.%d}"
        if c.valid_to
        else f"{c.issued_on:%Y.%m.%d}-长期"
    )
    values: dict[str, str] = {
        "有效期限": period,
        "有效期至": c.valid_to.isoformat() if c.valid_to else "长期",
        **dict.fromkeys(
            ("签发机关", "发证机关", "登记机关", "认定机构", "开具单位", "出具机构", "签发机构"),
            c.issuer,
        ),
        **dict.fromkeys(("发证日期", "签发日期", "开具日期", "发卡日期", "登记日期"), issued),
    }
    h = c.holder
    if isinstance(h, _PersonPlan):
        values |= {
            "姓名": h.name,
            "公民身份号码": h.id_number,
            "性别": "男" if h.is_male else "女",
            "民族": h.ethnicity,
            "出生日期": h.birth_date.isoformat(),
            "住址": h.address,
            "地址": h.address,
            **dict.fromkeys(("持证人", "所有人", "机动车所有人", "权利人"), h.name),
        }
    else:
        values |= {
            **dict.fromkeys(
                ("名称", "经营者名称", "业户名称", "建设单位", "开发企业", "所有人", "机动车所有人",
                 "权利人", "持证人"),
                h.name,
            ),
            "统一社会信用代码": h.credit_code,
            "社会信用代码": h.credit_code,
            "法定代表人": h.representative.name,
            "住所": h.address,
            "住址": h.address,
            "地址": h.address,
            "类型": h.kind,
            "成立日期": h.established_on.isoformat(),
            "经营范围": h.business_scope,
        }  # fmt: skip
    values |= _TYPE_VALUES.get(c.type_code, _no_values)(c)
    values |= c.extra
    return values


def _no_values(c: _FieldContext) -> dict[str, str]:
    return {}


def _person(c: _FieldContext) -> _PersonPlan:
    if not isinstance(c.holder, _PersonPlan):
        raise TypeError(f"{c.type_code} 的持证人应为自然人")
    return c.holder


def _district(c: _FieldContext) -> str:
    return DISTRICTS.get(c.holder.region_code, "东城区")


def _id_card(c: _FieldContext) -> dict[str, str]:
    return {"签发机关": f"示范市公安局{_district(c)}分局"}


def _household(c: _FieldContext) -> dict[str, str]:
    person = _person(c)
    place = f"示范市{DISTRICTS.get(person.id_number[:6], '东城区')}"
    adult = (c.anchor - person.birth_date).days >= 18 * 365
    return {
        "户号": f"{person.region_code[-2:]}{c.rng.randint(1000000, 9999999)}",
        "户别": "家庭户",
        "户主姓名": person.name,
        "与户主关系": "户主",
        "出生地": place,
        "籍贯": place,
        "文化程度": c.rng.choice(_EDUCATION) if adult else "学龄前儿童",
        "婚姻状况": "未婚",
        "服务处所": "无",
    }


def _residence(c: _FieldContext) -> dict[str, str]:
    return {"居住地址": c.holder.address}


def _no_record(c: _FieldContext) -> dict[str, str]:
    return {"证明编号": f"WF{c.serial}", "查询结果": "未发现有犯罪记录"}


def _driving_licence(c: _FieldContext) -> dict[str, str]:
    first = c.issued_on - timedelta(days=c.rng.choice((0, 0, 6 * 365, 12 * 365)))
    return {
        "证号": c.number,
        "准驾车型": c.rng.choice(("C1", "C1", "C2", "B2")),
        "初次领证日期": max(first, _add_years(_person(c).birth_date, 18)).isoformat(),
        "有效期起始日期": c.issued_on.isoformat(),
        "有效期限": "6年",
        "档案编号": f"9999{c.serial[-8:]}",
    }


def _vehicle_extra(rng: random.Random, fake: Faker, anchor: date) -> dict[str, str]:
    """One vehicle shared by a holder's 行驶证 and 登记证书."""
    brand, model = rng.choice(_VEHICLE_BRANDS)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    plate = (
        "示"
        + rng.choice("ABCDEF")
        + "·"
        + "".join(rng.choice(letters + "0123456789" * 3) for _ in range(5))
    )
    registered = anchor - timedelta(days=rng.randint(200, 3000))
    return {
        "号牌号码": plate,
        "车辆识别代号": fake.vin(),
        "发动机号码": "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(8)),
        "品牌型号": model,
        "车辆品牌": brand,
        "注册日期": registered.isoformat(),
        "登记日期": registered.isoformat(),
    }


def _driving_permit(c: _FieldContext) -> dict[str, str]:
    next_check = c.anchor + timedelta(days=c.rng.randint(60, 700))
    is_person = isinstance(c.holder, _PersonPlan)
    return {
        "车辆类型": "小型轿车" if is_person else "小型普通客车",
        "使用性质": "非营运",
        "检验有效期": f"{next_check:%Y年%m月}",
    }


def _vehicle_register(c: _FieldContext) -> dict[str, str]:
    if isinstance(c.holder, _PersonPlan):
        proof = f"居民身份证 {c.holder.id_number}"
    else:
        proof = f"统一社会信用代码 {c.holder.credit_code}"
    return {"登记证书编号": c.number, "身份证明名称及号码": proof, "抵押登记信息": "无"}


def _social_security(c: _FieldContext) -> dict[str, str]:
    return {
        "社会保障号码": _person(c).id_number,
        "社会保障卡卡号": c.number,
        "发卡地": "示范市",
    }


def _business_licence(c: _FieldContext) -> dict[str, str]:
    capital = c.rng.choice((50, 100, 200, 500, 1000, 3000))
    return {"注册资本": f"{capital}万元人民币", "登记机关": "示范市市场监督管理局"}


def _food_business(c: _FieldContext) -> dict[str, str]:
    return {
        "经营场所": c.holder.address,
        "主体业态": c.rng.choice(("食品销售经营者（网络经营）", "餐饮服务经营者（小型餐馆）")),
        "经营项目": "预包装食品（含冷藏冷冻食品）销售；热食类食品制售",
        "许可证编号": c.number,
    }


def _unit_number(rng: random.Random, region: str) -> str:
    """A 28-character real-estate unit number: region, cadastral zone, parcel, building unit."""
    return (
        f"{region}{rng.randint(1, 9):03d}{rng.randint(1, 20):03d}GB{rng.randint(1, 99999):05d}"
        f"F{rng.randint(1, 99):04d}{rng.randint(1, 3000):04d}"
    )


def _property_extra(rng: random.Random, fake: Faker, region: str) -> dict[str, str]:
    """One property (坐落 and unit number) for a 不动产权证书."""
    return {
        "坐落": f"示范市{DISTRICTS[region]}{fake.street_name()}{rng.randint(1, 300)}号"
        f"{rng.randint(1, 20)}幢{rng.randint(1, 30)}{rng.randint(1, 4):02d}室",
        "不动产单元号": _unit_number(rng, region),
    }


def _property(c: _FieldContext) -> dict[str, str]:
    is_person = isinstance(c.holder, _PersonPlan)
    land = round(c.rng.uniform(2000, 30000), 2)
    floor = round(c.rng.uniform(55, 160) if is_person else c.rng.uniform(200, 3000), 2)
    start = date(c.issued_on.year - c.rng.randint(0, 10), 1, 1)
    end = _add_years(start, 70 if is_person else 40)
    values = {
        "不动产权证号": c.number,
        "共有情况": "单独所有",
        "权利类型": "国有建设用地使用权/房屋所有权",
        "权利性质": "出让/市场化商品房" if is_person else "出让/自建房",
        "用途": "城镇住宅用地/住宅" if is_person else "商服用地/办公",
        "面积": f"共有宗地面积{land}㎡/房屋建筑面积{floor}㎡",
        "使用期限": f"{start:%Y年%m月%d日}起{end:%Y年%m月%d日}止",
        "权利其他状况": "无",
    }
    return values | _property_extra(c.rng, c.fake, c.holder.region_code)


def _property_notice(c: _FieldContext) -> dict[str, str]:
    return {
        "不动产登记证明号": c.number,
        "证明权利或事项": "预购商品房预告登记",
        "义务人": "示范市安居置业有限公司",
        "其他": "无",
    } | _property_extra(c.rng, c.fake, c.holder.region_code)


def _project(c: _FieldContext) -> dict[str, str]:
    name = f"{c.holder.name.removeprefix('示范市')[:6]}综合楼项目"
    area = c.rng.randint(8000, 90000)
    return {
        "证书编号": c.number,
        "编号": c.number,
        "建设项目名称": name,
        "工程名称": name,
        "项目名称": name,
        "建设位置": c.holder.address,
        "建设地址": c.holder.address,
        "坐落": c.holder.address,
        "建设规模": f"总建筑面积{area}平方米",
        "合同价格": f"{area * 3 // 10}万元",
        "施工单位": "示范市第一建筑工程有限公司",
        "监理单位": "示范市建设工程监理有限公司",
        "合同工期": f"{c.rng.choice((360, 540, 720))}天",
        "预售许可证号": c.number,
        "预售范围": "1#、2#楼",
        "预售面积": f"{area // 2}平方米",
    }


def _marriage(c: _FieldContext) -> dict[str, str]:
    key = "结婚证字号" if c.type_code == "EC-JHZ" else "离婚证字号"
    return {key: c.number}


def _cremation(c: _FieldContext) -> dict[str, str]:
    return {"火化日期": c.issued_on.isoformat(), "殡仪馆名称": "示范市殡仪馆", "证明编号": c.number}


def _subsistence(c: _FieldContext) -> dict[str, str]:
    person = _person(c)
    return {
        "户主姓名": person.name,
        "户主公民身份号码": person.id_number,
        "证件编号": c.number,
        "保障人数": "1",
        "月保障金额": f"{c.rng.choice((780, 850, 920))}元",
    }


def _birth(c: _FieldContext) -> dict[str, str]:
    person = _person(c)
    hour, minute = c.rng.randint(0, 23), c.rng.randint(0, 59)
    return {
        "出生医学证明编号": c.number,
        "新生儿姓名": person.name,
        "出生时间": f"{person.birth_date.isoformat()} {hour:02d}:{minute:02d}",
        "出生地点": "示范市妇幼保健院",
        "出生孕周": f"{c.rng.randint(37, 41)}周+{c.rng.randint(0, 6)}",
        "出生体重": f"{c.rng.randint(2600, 4100)}克",
        "签发机构": "示范市妇幼保健院",
    }


def _death(c: _FieldContext) -> dict[str, str]:
    return {
        "死亡日期": c.issued_on.isoformat(),
        "死亡地点": "示范市第一人民医院",
        "死亡原因": "疾病（慢性心力衰竭）",
        "证明编号": c.number,
        "出具机构": "示范市第一人民医院",
    }


def _health(c: _FieldContext) -> dict[str, str]:
    return {"体检日期": c.issued_on.isoformat(), "体检结论": "合格", "证明编号": c.number}


def _vaccination(c: _FieldContext) -> dict[str, str]:
    return {
        "儿童姓名": _person(c).name,
        "接种证编号": c.number,
        "建证单位": f"示范市{_district(c)}社区卫生服务中心",
        "接种记录": "乙肝疫苗3剂、卡介苗1剂、脊灰疫苗4剂、百白破疫苗4剂，均按免疫程序完成",
    }


def _diploma(c: _FieldContext) -> dict[str, str]:
    level = c.rng.choice(("大学本科", "大学本科", "大学专科", "硕士研究生"))
    school = "示范职业技术学院" if level == "大学专科" else "示范大学"
    return {
        "学校名称": school,
        "专业": c.rng.choice(_MAJORS),
        "学历层次": level,
        "毕业日期": c.issued_on.isoformat(),
        "证书编号": f"1099{c.issued_on.year}{c.serial}",
    }


def _teacher(c: _FieldContext) -> dict[str, str]:
    return {
        "资格种类": "高级中学教师资格",
        "任教学科": c.rng.choice(("数学", "语文", "英语", "物理")),
        "证书号码": f"{c.issued_on.year}999901{c.serial}",
        "认定机构": "示范市教育局",
    }


def _transport(c: _FieldContext) -> dict[str, str]:
    return {"许可证号": c.number, "经营范围": "道路普通货物运输；货物专用运输（集装箱）"}


def _driver_qualification(c: _FieldContext) -> dict[str, str]:
    return {"从业资格证号": c.number, "从业资格类别": "经营性道路旅客运输驾驶员"}


def _disability(c: _FieldContext) -> dict[str, str]:
    return {"残疾人证号": c.number, "残疾类别": "肢体残疾", "残疾等级": "四级", "监护人": "无"}


def _veteran(c: _FieldContext) -> dict[str, str]:
    return {"优待证编号": c.number, "优待对象类别": "退役军人"}


_TYPE_VALUES: Final = {
    "EC-SFZ": _id_card,
    "EC-HKB": _household,
    "EC-JZZ": _residence,
    "EC-WFZM": _no_record,
    "EC-JSZ": _driving_licence,
    "EC-XSZ": _driving_permit,
    "EC-DJZS": _vehicle_register,
    "EC-SBK": _social_security,
    "EC-YYZZ": _business_licence,
    "EC-SPJY": _food_business,
    "EC-BDCQZ": _property,
    "EC-BDCZM": _property_notice,
    "EC-GHXK": _project,
    "EC-SGXK": _project,
    "EC-YSXK": _project,
    "EC-JHZ": _marriage,
    "EC-LHZ": _marriage,
    "EC-HHZM": _cremation,
    "EC-DBZ": _subsistence,
    "EC-CSZM": _birth,
    "EC-SWZM": _death,
    "EC-JKZM": _health,
    "EC-YFJZ": _vaccination,
    "EC-XLZS": _diploma,
    "EC-JSZG": _teacher,
    "EC-DLYS": _transport,
    "EC-CYZG": _driver_qualification,
    "EC-CJRZ": _disability,
    "EC-YDZ": _veteran,
}


def _couple(
    husband: _PersonPlan | tuple[str, str], wife: _PersonPlan | tuple[str, str]
) -> dict[str, str]:
    def parts(p: _PersonPlan | tuple[str, str]) -> tuple[str, str]:
        return (p.name, p.id_number) if isinstance(p, _PersonPlan) else p

    (h_name, h_id), (w_name, w_id) = parts(husband), parts(wife)
    return {
        "男方姓名": h_name,
        "男方公民身份号码": h_id,
        "女方姓名": w_name,
        "女方公民身份号码": w_id,
    }
