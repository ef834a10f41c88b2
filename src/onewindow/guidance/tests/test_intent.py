"""What a question asks for beyond its nouns: several matters of one life event (the bundle),
the action done to one thing (新办 / 变更 / 延续 / 补办 / 注销 among siblings), regional names
of documents and benefits, and pinyin typed after characters."""

from __future__ import annotations

import pytest

from onewindow.guidance.engine import BundleDoc, Corpus, Engine, ItemDoc, actions, text
from onewindow.guidance.engine.search import _separate_matters


def codes(engine: Engine, query: str) -> list[str]:
    return [r.code for r in engine.search(query, 5).results]


# --- several matters of one bundle ----------------------------------------------------------

MOVING = Corpus(
    items=(
        ItemDoc("A", "户籍迁入登记", ("迁户口",)),
        ItemDoc("B", "子女转学申请", ("转学",)),
        ItemDoc("C", "居住证申领", ("办居住证",)),
        ItemDoc("D", "养犬登记", ("狗证",)),
    ),
    bundles=(BundleDoc("Y", "举家迁居一件事", "迁户口、转学、办居住证", ("A", "B", "C")),),
)


def test_separate_matters_count_words_not_items() -> None:
    assert _separate_matters([0b0011, 0b1100]) == 2
    assert _separate_matters([0b1111, 0b0011]) == 1  # the second is inside the first
    assert _separate_matters([0b0111, 0b0110, 0b11000, 0b1100000]) == 3
    assert _separate_matters([0b0001, 0b0010]) == 0  # one character says too little


def test_three_matters_of_one_bundle_put_the_bundle_first_without_a_cue_word() -> None:
    engine = Engine(MOVING)
    assert codes(engine, "搬到新城区要迁户口转学还有办居住证")[0] == "Y"


def test_one_matter_keeps_the_item_first() -> None:
    engine = Engine(MOVING)
    assert codes(engine, "搬到新城区要迁户口")[0] == "A"
    assert codes(engine, "孩子转学")[0] == "B"


def test_matters_of_different_bundles_do_not_add_up() -> None:
    engine = Engine(MOVING)
    # 狗证 belongs to no bundle: two matters of the bundle only, and no cue word.
    assert codes(engine, "迁户口办狗证")[0] != "Y"


def test_a_cue_word_raises_only_a_bundle_something_names() -> None:
    corpus = Corpus(
        items=(*MOVING.items, ItemDoc("E", "竣工联合验收", ("联合验收",))),
        bundles=(*MOVING.bundles, BundleDoc("Z", "企业注销一件事", "清税、注销执照")),
    )
    engine = Engine(corpus)
    assert codes(engine, "想请各部门一起来联合验收")[0] == "E"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("孩子刚满月，报户口、办医保、领补贴要跑哪些部门", "YJS-001"),
        ("奶奶过世了，户口注销和丧葬费、公积金这些一次办", "YJS-005"),
        ("工厂要关了，营业执照、社保账户、税务都得注销", "YJS-008"),
        ("退休了，养老金、医保、公积金能一次办完吗", "YJS-004"),
        ("爷爷过世了户口怎么注销", "SF-GAHZ-009"),  # one matter
        ("退休了公积金怎么取", "SF-GJJ-009"),  # one matter
    ],
)
def test_life_events_in_the_reference_catalog(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


# --- the action among siblings ----------------------------------------------------------------


def test_names_say_what_is_done_and_to_what() -> None:
    assert actions.name_actions("食品经营许可（注销）") == {"cancel"}
    assert actions.name_actions("营业执照补领、换发") == {"reissue", "renew"}
    assert actions.name_actions("养犬登记") == frozenset()
    assert actions.family_key("食品经营许可（变更）") == "食品经营许可"
    assert actions.family_key("机动车驾驶证遗失补证") == "机动车驾驶证"
    assert actions.family_key("个体工商户设立登记") == actions.family_key("个体工商户注销登记")


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("店不开了", {"cancel"}),
        ("法人换人了", {"change"}),
        ("证快到期了", {"renew"}),
        ("证件弄丢了", {"reissue"}),
        ("第一次办", {"first"}),
        ("怎么办理", set()),
    ],
)
def test_questions_say_what_is_to_be_done(query: str, wanted: set[str]) -> None:
    assert actions.query_actions(text.compact(query)) == wanted


SIBLINGS = Corpus(
    items=(
        ItemDoc("N", "渔船捕捞许可（新办）"),
        ItemDoc("X", "渔船捕捞许可（注销）"),
        ItemDoc("V", "渔船捕捞许可（变更）"),
    ),
)


def test_the_sibling_whose_action_the_question_names_is_preferred() -> None:
    engine = Engine(SIBLINGS)
    assert codes(engine, "第一次办渔船捕捞许可")[0] == "N"
    assert codes(engine, "渔船不干了，捕捞许可要撤销")[0] == "X"
    assert codes(engine, "渔船转给别人了，捕捞许可上的名字得改")[0] == "V"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("面馆不开了，食品经营许可证怎么处理", "SF-SC-014"),
        ("饭店食品经营许可证快过期了", "SF-SC-013"),
        ("餐厅的经营者换人了，食品经营许可证要改", "SF-SC-012"),
        ("个体户的铺子关掉了，执照怎么弄", "SF-SC-009"),
        ("护照弄丢了", "SF-GACRJ-003"),
    ],
)
def test_action_words_in_the_reference_catalog(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


# --- regional names and mixed pinyin -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("綜合社會保障援助點申請", "SF-MZ-001"),  # 港: 综援
        ("伸請國民年金", "SF-RSSB-004"),  # 台: 国民年金
        ("荣民证怎么申请", "SF-TY-002"),  # 台: 荣民
        ("中古車要過戶", "SF-GAJG-006"),  # 台: 中古车
        ("再就业优惠证去哪办", "SF-RSJY-001"),  # 旧称
        ("二代证快到期了", "SF-GAHZ-011"),
        ("身障手冊怎麼辦", "SF-CL-001"),  # 台: 身心障碍
    ],
)
def test_regional_names_of_documents(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


def test_pinyin_typed_after_characters_is_read_as_pinyin(engine: Engine) -> None:
    assert text.mixed_syllables("护照huanfa") == ["hu", "zhao", "huan", "fa"]
    assert text.mixed_syllables("KTV许可") == ["xu", "ke"]
    assert codes(engine, "护照huanfa")[0] == "SF-GACRJ-002"
    assert codes(engine, "驾照bulin")[0] == "SF-GAJG-002"
    # Example questions, written in characters, stay out of a half-pinyin question.
    assert codes(engine, "营业执照biangeng")[0] == "SF-SC-005"
    assert "example" not in engine.search("营业执照biangeng").signals


# --- the direction of a move ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("社保想转到我们这边来", {"in"}),
        ("户口要迁走", {"out"}),
        ("刚招了个新同事", {"add"}),
        ("员工辞职了", {"remove"}),
    ],
)
def test_questions_say_which_way_a_move_goes(query: str, wanted: set[str]) -> None:
    assert actions.query_actions(text.compact(query)) == wanted


def test_names_say_which_way_a_move_goes() -> None:
    assert actions.name_actions("户口迁入（夫妻投靠）") == {"in"}
    assert actions.name_actions("户口迁出（迁往外省市）") == {"out"}
    assert "add" in actions.name_actions("职工社会保险参保登记（员工增员）")
    moved_in = actions.family_key("户口迁入（夫妻投靠）")
    assert moved_in == actions.family_key("户口迁出（迁往外省市）") == "户口"
    assert actions.related_families("单位医疗保险", "单位职工基本医疗保险")
    assert not actions.related_families("医疗", "医疗机构执业")  # too short to say


MOVES = Corpus(
    items=(
        ItemDoc("I", "渔船船籍转入登记", ("渔船船籍",)),
        ItemDoc("O", "渔船船籍转出登记", ("渔船船籍",)),
        ItemDoc("P", "船员名册增员", ("船员名册",)),
        ItemDoc("M", "船员名册减员", ("船员名册",)),
    ),
)


def test_the_sibling_the_move_goes_to_is_preferred() -> None:
    engine = Engine(MOVES)
    assert codes(engine, "外港的渔船船籍想转过来")[0] == "I"
    assert codes(engine, "渔船要卖去外省，船籍转走")[0] == "O"
    assert codes(engine, "船上新来了两个人，船员名册怎么改")[0] == "P"
    assert codes(engine, "有个船员辞职了，名册怎么处理")[0] == "M"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("以前单位的公积金要转到这边新公司", "SF-GJJ-003"),
        ("户口打算迁去外省", "SF-GAHZ-008"),
        ("老婆户口迁过来", "SF-GAHZ-002"),
        ("新入职的同事要交医保", "SF-YB-004"),
    ],
)
def test_directions_in_the_reference_catalog(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


# --- 牌照 by the words beside it -------------------------------------------------------------

PLATES = Corpus(
    items=(
        ItemDoc("CAR", "机动车号牌核发", ("上牌照", "车牌照")),
        ItemDoc("BATH", "浴室经营许可", ("浴室许可",)),
    ),
)


def test_a_licence_word_after_a_trade_is_not_a_number_plate() -> None:
    engine = Engine(PLATES)
    assert codes(engine, "浴室牌照怎么办")[0] == "BATH"
    assert codes(engine, "汽车牌照怎么办")[0] == "CAR"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("开歌舞厅要什么牌照", "SF-WL-002"),
        ("网咖执照去哪申请", "SF-WL-003"),
        ("药房的牌照", "SF-SC-017"),
        ("摩托车牌照怎么上", "SF-GAJG-005"),
    ],
)
def test_licence_words_in_the_reference_catalog(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("从核名到刻章到银行开户，开公司能不能一窗办", "YJS-002"),
        ("困难户的各类救助能不能一个窗口申请", "YJS-014"),
    ],
)
def test_one_window_words_raise_the_bundle(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


# --- initials of a thing and an action ------------------------------------------------------


def test_initials_read_as_a_thing_and_an_action() -> None:
    assert ("gth", frozenset({"first"})) in actions.initials_splits("gthzc")
    assert ("jsz", frozenset({"reissue"})) in actions.initials_splits("jszbz")
    assert actions.initials_splits("jszbl") == [("jsz", frozenset())]  # 补领 or 办理: no action
    assert actions.initials_splits("zc") == []  # the thing needs two letters


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("gthzc", "SF-SC-004"),  # 个体户 + 注册
        ("gthzx", "SF-SC-009"),  # 个体户 + 注销
        ("jszbz", "SF-GAJG-002"),  # 驾驶证 + 补证
        ("lsfz", "SF-GAHZ-013"),  # 临时身份证 typed with one s (lssfz)
    ],
)
def test_typed_initials_of_things_and_actions(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


def test_a_first_thing_to_do_is_not_a_life_event(engine: Engine) -> None:
    assert codes(engine, "退伍回来第一件事要去哪报到")[0] == "SF-TY-001"
