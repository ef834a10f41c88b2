"""Action words: which of a family's sibling items a question asks for.

The catalog names siblings by what is done to one thing — 食品经营许可（新办 / 变更 / 延续 /
注销）, 居民身份证申领 / 换领 / 补领, 普通护照签发 / 换发 / 补发, 个体工商户设立登记 / 注销登记.
A question says the same in everyday words (不做了, 换人了, 快到期, 丢了, 第一次), so each
item's action is read from its name, each question's from its words, and among siblings that
other evidence found the one whose action the question names is preferred. Directions of a
move are actions too: 户口迁入 / 迁出, 转入 / 转出, 增员 / 减员 (转到我们这 → in, 转走 → out,
新来的 → add, 离职了 → remove).
"""

from __future__ import annotations

import re

# What an item name says is done; a name may say two things (补发、换发).
_NAME_ACTIONS: dict[str, re.Pattern[str]] = {
    "first": re.compile("新办|首次|初次|设立|签发|参保登记"),
    "change": re.compile("变更|更正"),
    "renew": re.compile("延续|换领|换发|换证|有效期满|再次签注"),
    "reissue": re.compile("补领|补发|补证|补办|补换|遗失"),
    "cancel": re.compile("注销|清税"),
    # Directions of a move: into this city or unit, out of it; staff added or removed.
    "in": re.compile("迁入|转入|转移接续"),
    "out": re.compile("迁出|转出"),
    "add": re.compile("增员"),
    "remove": re.compile("减员"),
}

# How people say it. Checked on the folded, compact question.
_QUERY_ACTIONS: dict[str, re.Pattern[str]] = {
    "first": re.compile(
        "新办|首次|初次|第一次|头一回|头一次|从没办过|没办过|还没办过|新开|刚开|开办|设立|刚成立"
    ),
    "change": re.compile(
        "变更|更改|修改|改名|改成|改为|改一下|改了|要改|得改|想改|换人|换了人|换成|换负责人"
        "|变了|变成|迁址|搬了|搬家|地址变|法人换|负责人换|写错|登错|有误|错了|不一致"
        "|换了(?:法人|法定代表人|负责人|经营者|老板|股东|店名|名字|地址)"
        "|跟着改|跟着变|随之改|也要改|也得改|同步改|一起改|一并改"
        "|增加|增项|加项|减项|扩大|缩小|添加|加上"
    ),
    "renew": re.compile(
        "延续|延期|续期|续证|续办|续签|到期|过期|期满|快到期|满期|换证|换领|换发|换新|换本|加签|再签"
        "|损坏|坏了|破了|撕坏|撕烂|泡烂|磨损|旧了"
    ),
    "reissue": re.compile(
        "补办|补领|补发|补证|补一个|补一张|补个|补张|遗失|丢了|丢失|弄丢|搞丢|不见了|找不到|被偷|被盗"
        "|重新开|重开|重新办|重办"
    ),
    "cancel": re.compile(
        "注销|销掉|销户|不做了|不干了|不开了|不营业|关门|倒闭|停业|歇业|撤销|不要了|关掉|关了"
        "|转出去|结业|散伙|解散|不经营|解押|解除抵押|撤押|撤掉|要撤|撤了|停掉"
    ),
    "in": re.compile(
        "迁入|转入|迁进|转进|迁来|迁过来|迁回来|转过来|转回来|调进|调入|调过来|调回|接续|落户|入户"
        "|迁到我|转到我|迁到这|转到这|转到本|迁到本|来本市|来这边|过来|投靠"
    ),
    "out": re.compile(
        "迁出|转出|迁走|转走|调走|调出|迁往|迁去|转去|带走|离开本市|离开这|去外地|去外省|回老家"
        "|迁回老家|迁到外|转到外|移走|出去"
    ),
    "add": re.compile(
        "增员|加保|加人|加员|新来|新进|新招|新入职|刚入职|入职|招了|招的|新员工|新同事|新人"
    ),
    "remove": re.compile("减员|退保|停保|离职|辞职|辞退|开除|走了|不干了|减人|人走|解除劳动|退工"),
}

# Words that name the action or the kind of request and not the thing itself.
_NOT_THE_THING = re.compile(
    "（[^）]*）|\\([^)]*\\)|新办|首次|初次|设立|签发|变更|更正|延续|换领|换发|换证|有效期满|再次"
    "|补领|补发|补证|补办|补换|遗失|注销|清税|迁入|转入|转移接续|迁出|转出|增员|减员|参保"
    "|单位|职工|员工|登记|申请|申领|办理|核发|签注|、|和"
)


def name_actions(name: str) -> frozenset[str]:
    """The actions an item's name names (empty for most items)."""
    return frozenset(action for action, pattern in _NAME_ACTIONS.items() if pattern.search(name))


def family_key(name: str) -> str:
    """The thing the siblings share: the name without its action words and request words
    (食品经营许可（变更） → 食品经营许可, 机动车驾驶证遗失补证 → 机动车驾驶证)."""
    return _NOT_THE_THING.sub("", name)


def query_actions(compact: str) -> frozenset[str]:
    """The actions a (folded, compact) question names."""
    return frozenset(
        action for action, pattern in _QUERY_ACTIONS.items() if pattern.search(compact)
    )


def related_families(one: str, other: str) -> bool:
    """Whether two family keys name one thing: equal, or the shorter (of at least four
    characters) read in order within the longer (单位医疗保险 in 单位职工基本医疗保险)."""
    if one == other:
        return True
    short, long = sorted((one, other), key=len)
    if len(short) < 4:
        return False
    chars = iter(long)
    return all(c in chars for c in short)


# Action words as typed in pinyin initials after the thing (gthzc = 个体户 + 注册, jszbz =
# 驾驶证 + 补证), and request words that name no action (bl = 办理, sq = 申请). Initials two
# words share (bl: 补领 / 办理) name no action.
_INITIALS_ACTIONS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("xb", "sc", "cc", "sl", "zc", "kh", "xk"), frozenset({"first"})),
    **dict.fromkeys(("bg", "gg", "xg", "gm", "gz"), frozenset({"change"})),
    **dict.fromkeys(("yx", "yq", "xq", "xz", "hz", "hl", "hf", "hx"), frozenset({"renew"})),
    **dict.fromkeys(("bb", "bz", "bf", "bh", "ys", "db"), frozenset({"reissue"})),
    **dict.fromkeys(("zx", "qs", "xh", "tb"), frozenset({"cancel"})),
    **dict.fromkeys(("qr", "zr", "lh", "rh"), frozenset({"in"})),
    **dict.fromkeys(("qc",), frozenset({"out"})),
    **dict.fromkeys(("bl", "sq", "dj", "sb", "ba", "cx", "tq", "lq"), frozenset[str]()),
}


def initials_splits(letters: str) -> list[tuple[str, frozenset[str]]]:
    """Ways to read typed initials as a thing followed by an action or request word: the
    thing's initials (at least two letters) and the actions the last word names, longest
    thing first."""
    out: list[tuple[str, frozenset[str]]] = []
    for cut in range(len(letters) - 2, 1, -1):
        action = _INITIALS_ACTIONS.get(letters[cut:])
        if action is not None:
            out.append((letters[:cut], action))
    return out
