"""Text handling for guidance: normalisation, tokens for the indexes, pinyin and initials.

Everything here is pure and deterministic so that the indexes and the queries are processed
the same way. Citizens type traditional characters, full-width letters, pinyin with or
without tone marks, and pinyin initials; all of it is folded into a few canonical forms:

* the *normalised text*: NFKC, lower case, traditional → simplified, rewrites applied
  (dialect words and known typos from the lexicon), punctuation turned into spaces;
* *character tokens*: CJK unigrams and bigrams plus dictionary words from ``rjieba``;
* *pinyin syllables*: toneless, with the common fuzzy pairs merged (模糊音: zh/z, ch/c, sh/s,
  eng/en, ing/in), so that 身分证 and 身份证, or 出身 and 出生, read alike;
* *initials*: the first letter of every syllable (临时身份证 → lssfz).
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import opencc
import rjieba
from pypinyin import Style, lazy_pinyin, pinyin_dict

# Characters that carry no meaning on their own in a citizen's question. They are dropped as
# unigram tokens only; bigrams that contain them stay, because 不见 or 没有 do mean something.
STOP_CHARS = frozenset(
    "的了吗呢吧啊呀么嘛哦哈我你他她它们这那个和与及或就都还也又很在是有要想能可以会该去来"
    "把被给让对从向到于为之其怎样咋啥么哪里些点下上吗么儿着过得地办理请问"
)
# Longest query substring looked up in the phrase tables; longer names are still found by
# the BM25 indexes.
MAX_PHRASE_CHARS = 24

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_TOKEN_SPLIT = re.compile(f"[^{_CJK}a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_converter_lock = threading.Lock()
_converter: opencc.OpenCC | None = None


def _t2s(text: str) -> str:
    """Traditional → simplified. OpenCC's converter is created once and shared."""
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return str(_converter.convert(text))


def is_cjk(ch: str) -> bool:
    return bool(_CJK_RUN.fullmatch(ch))


def has_cjk(text: str) -> bool:
    return _CJK_RUN.search(text) is not None


def clean(text: str) -> str:
    """Drop control characters (NUL cannot be stored in PostgreSQL text) and trim."""
    return _CONTROL.sub(" ", text).strip()


def fold(text: str) -> str:
    """NFKC, lower case and traditional → simplified; punctuation is kept."""
    text = unicodedata.normalize("NFKC", clean(text)).lower()
    if any(ord(ch) > 0x2E7F for ch in text):
        text = _t2s(text)
    return text


def apply_rewrites(text: str, rewrites: Sequence[tuple[str, str]]) -> str:
    """Replace dialect words and known typos; ``rewrites`` is sorted longest first so that
    唔见咗 wins over 咗."""
    for old, new in rewrites:
        if old in text:
            text = text.replace(old, new)
    return text


def strip_tones(text: str) -> str:
    """hùzhào → huzhao, lǜ → lu. A typed v is left alone here (KTV is not pinyin); the
    pinyin helpers read it as ü."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str, rewrites: Sequence[tuple[str, str]] = ()) -> str:
    """The canonical form of a query or phrase: folded, rewritten, tone marks removed from
    Latin letters, punctuation collapsed to single spaces."""
    folded = fold(text)
    if not has_cjk(folded):
        folded = strip_tones(folded)
    folded = apply_rewrites(folded, rewrites)
    return " ".join(part for part in _TOKEN_SPLIT.split(folded) if part)


# The frame of a question rather than its matter: how, where, what to bring, politeness and
# final particles. They are discounted when judging how much of a question a phrase explains
# (in 护照怎么办理 the phrase 护照 says it all) and left out of the BM25 and pinyin queries,
# where they only match the many items whose texts happen to share them.
QUESTION_WORDS = re.compile(
    "请问一下|请问|你好|您好|麻烦问下|麻烦问一下|想问一下|想问下|想问|问一下|我想知道"
    "|需要哪些材料|需要什么材料|要什么材料|要哪些材料|需要准备什么|要准备什么|需要带什么|要带什么"
    "|带什么|准备什么|需要些什么|需要哪些|需要什么|要些什么|要什么|要哪些"
    "|要办什么证|要办什么|办什么证|办什么|需要办理|需要办|要办理|要去办|去办理"
    "|怎么办理|怎么申请|怎么办|怎么弄|怎么搞|怎么处理|怎么领取|怎么操作|怎么走|怎样办理|怎样申请"
    "|怎样|如何办理|如何申请|如何|怎么|咋办|咋弄"
    "|到哪里办理|到哪里办|去哪里办理|去哪里办|在哪里办理|在哪里办|去哪儿办|在哪儿办|去哪办|在哪办"
    "|哪里能办|哪里可以办|哪里办理|哪里办|到哪里|去哪里|在哪里|去哪儿|在哪儿|去哪|在哪|哪里|哪儿"
    "|什么流程|啥流程|流程是什么|什么手续|哪些手续|有什么要求|有什么条件|什么条件"
    "|可不可以|能不能|可以吗|行不行|能吗|行吗|好吗|是不是|有没有"
    "|我想要|我想|我要|想要|我们|我家|我的|一下|谢谢|什么|是啥"
    "|吗|呢|吧|啊|呀|哦|嘛|么|的|了|呗|哈"
)
# 了 is discounted but kept in the text: 丢了 and 走了 are words of situations.
_KEPT_IN_TEXT = frozenset({"了"})


def question_frame(compact: str) -> list[tuple[int, int]]:
    """Spans of question words in a compact query, longest alternatives first."""
    return [m.span() for m in QUESTION_WORDS.finditer(compact)]


def content_length(compact: str) -> int:
    """Characters of the query that carry its matter (at least one)."""
    framed = sum(end - start for start, end in question_frame(compact))
    return max(len(compact) - framed, 1)


def without_frame(norm: str) -> str:
    """The normalised query without its question words (unchanged if nothing would be
    left); removed words become spaces so that no bigram spans the gap."""
    stripped = QUESTION_WORDS.sub(lambda m: m.group() if m.group() in _KEPT_IN_TEXT else " ", norm)
    return " ".join(stripped.split()) if stripped.strip() else norm


def compact(text: str) -> str:
    """The normalised text without spaces (phrases are matched as contiguous strings)."""
    return text.replace(" ", "")


def cjk_runs(text: str) -> list[str]:
    return _CJK_RUN.findall(text)


def ascii_words(text: str) -> list[str]:
    return _ASCII_WORD.findall(text)


# --- dictionary words -------------------------------------------------------------------------


class WordCutter:
    """An ``rjieba`` segmenter that knows the catalog's and the lexicon's terms.

    Each engine owns one, so that words admins add never leak into another index, and the
    module-wide default dictionary stays untouched.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._jieba = rjieba.Jieba()
        self._lock = threading.Lock()
        for word in sorted(set(words)):
            if 2 <= len(word) <= 12 and has_cjk(word):
                # A high frequency makes the segmenter keep domain terms whole.
                self._jieba.add_word(word, 50_000, None)

    def words(self, run: str) -> list[str]:
        """Dictionary words of length ≥ 2 in a CJK run (search mode also yields the parts)."""
        with self._lock:
            cut = self._jieba.cut_for_search(run, True)
        return [w for w in cut if len(w) >= 2]

    def segments(self, run: str) -> list[str]:
        """The run cut into words, every character kept (for word-level pinyin)."""
        with self._lock:
            return list(self._jieba.cut(run, False))


def char_tokens(text: str, cutter: WordCutter | None = None) -> list[str]:
    """Tokens of the character index: unigrams (minus stop characters), bigrams, dictionary
    words (prefixed ``w:``) and ASCII words (prefixed ``a:``)."""
    tokens: list[str] = []
    for run in cjk_runs(text):
        tokens.extend(ch for ch in run if ch not in STOP_CHARS)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        if cutter is not None and len(run) > 2:
            tokens.extend("w:" + w for w in cutter.words(run))
    tokens.extend("a:" + w for w in ascii_words(text))
    return tokens


# --- pinyin -------------------------------------------------------------------------------------

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


@lru_cache(maxsize=4096)
def fuzzy_syllable(syllable: str) -> str:
    """Merge the pairs most often confused in speech and typing (模糊音)."""
    s = syllable.replace("v", "u")
    for hard, soft in _FUZZY_INITIALS:
        if s.startswith(hard):
            s = soft + s[len(hard) :]
            break
    if s.endswith("ing"):
        s = s[:-3] + "in"
    elif s.endswith("eng"):
        s = s[:-3] + "en"
    return s


@lru_cache(maxsize=200_000)
def _word_pinyin(word: str) -> tuple[str, ...]:
    # pypinyin resolves most polyphones (银行 yin hang, 重新 chong xin) from its phrase list,
    # so a word with a polyphonic character is converted whole; any other word is spelled
    # character by character from a cache (the same result, without pypinyin's per-call
    # work: a large catalog has tens of thousands of distinct words).
    readings = [_char_pinyin(ch) for ch in word]
    if all(r is not None for r in readings):
        return tuple(r for r in readings if r)
    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


@lru_cache(maxsize=30_000)
def _char_pinyin(ch: str) -> str | None:
    """The one toneless reading of a character, "" for no reading, None when it has
    several (then the word decides)."""
    readings = str(pinyin_dict.pinyin_dict.get(ord(ch), "")).split(",")
    bare = {strip_tones(r.strip()) for r in readings if r.strip()}
    if not bare:
        return "" if not is_cjk(ch) else None
    if len(bare) == 1:
        return bare.pop()
    return None


def syllables_of(text: str, cutter: WordCutter | None = None) -> list[str]:
    """Toneless pinyin syllables of the CJK characters in ``text``, in order."""
    out: list[str] = []
    for run in cjk_runs(text):
        pieces = _pieces(run, cutter)
        for piece in pieces:
            out.extend(_word_pinyin(piece))
    return [s.replace("v", "u") for s in out if s.isascii() and s.isalpha()]


_CJK_OR_LETTERS = re.compile(f"[{_CJK}]+|[a-z]+")


def mixed_syllables(text: str, cutter: WordCutter | None = None) -> list[str]:
    """Syllables of a question written partly in characters and partly in pinyin
    (身份证buban → shen fen zheng bu ban), in order. Latin words that are not pinyin (KTV,
    UKey) are left out, as is a pinyin word shorter than two syllables."""
    out: list[str] = []
    for piece in _CJK_OR_LETTERS.findall(text):
        if piece.isascii():
            split = split_pinyin(piece)
            if split is not None and len(split) >= 2:
                out.extend(split)
        else:
            out.extend(syllables_of(piece, cutter))
    return out


def _pieces(run: str, cutter: WordCutter | None) -> list[str]:
    if cutter is None or len(run) <= 4:
        return [run]
    return cutter.segments(run)


def initials_of(text: str, cutter: WordCutter | None = None) -> str:
    """Pinyin initials of the CJK characters, plus ASCII words as typed (税务ukey → swukey)."""
    parts: list[str] = []
    for chunk in re.split(f"([{_CJK}]+)", text):
        if not chunk:
            continue
        if has_cjk(chunk):
            parts.append("".join(s[0] for s in syllables_of(chunk, cutter)))
        else:
            parts.append("".join(ascii_words(chunk)))
    return "".join(parts)


def pinyin_tokens(syllables: Sequence[str]) -> list[str]:
    """Tokens of the pinyin index: fuzzy syllables and fuzzy syllable bigrams."""
    fuzzy = [fuzzy_syllable(s) for s in syllables]
    return fuzzy + [f"{a}_{b}" for a, b in itertools.pairwise(fuzzy)]


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless syllable pypinyin knows (about 410), for splitting typed pinyin."""
    found: set[str] = set()
    for readings in pinyin_dict.pinyin_dict.values():
        for reading in str(readings).split(","):
            bare = strip_tones(reading.strip())
            if bare.isascii() and bare.isalpha():
                found.add(bare)
    # Typed forms that differ from the toneless spelling (ü written as v or u).
    found |= {"lue", "nue", "lv", "nv", "lve", "nve"}
    return frozenset(found)


def split_pinyin(word: str, *, loose: bool = False) -> list[str] | None:
    """Split typed pinyin into syllables (shenfenzheng → shen fen zheng), or None when the
    letters are not pinyin. Of all splits the one with the fewest syllables wins, which
    prefers xian over xi an as an input method does. With ``loose`` a stray letter or two
    typed at the end (bulingg) is dropped."""
    word = word.lower()
    known = pinyin_syllables()
    n = len(word)
    if n == 0 or n > 60:
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            piece = word[start:end]
            if head is None or piece not in known:
                continue
            candidate = [*head, piece]
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    if best[n] is None and loose and n >= 4:
        for end in range(n - 1, max(n - 3, 0), -1):
            if best[end]:
                return best[end]
    return best[n]


# --- personal data --------------------------------------------------------------------------

_ID_NUMBER = re.compile(r"(?<![0-9a-z])[0-9]{6}(?:[0-9]{8}|[0-9]{11})[0-9x]?(?![0-9a-z])", re.I)
_PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}[- ]?[0-9]{7,8}(?![0-9])")
_LONG_NUMBER = re.compile(r"[0-9]{6,}")
_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}", re.I)
_CREDIT_CODE = re.compile(
    r"(?<![0-9a-z])[0-9a-hj-npqrtuwxy]{2}[0-9]{6}[0-9a-hj-npqrtuwxy]{10}", re.I
)


def redact(text: str) -> str:
    """Remove personal data before a query is stored: ID numbers, credit codes, phones,
    e-mail addresses and any other run of six or more digits (bank cards, case numbers)."""
    text = clean(text)
    for pattern, mask in (
        (_EMAIL, "〔邮箱〕"),
        (_ID_NUMBER, "〔证件号〕"),
        (_CREDIT_CODE, "〔证件号〕"),
        (_PHONE, "〔电话〕"),
        (_LANDLINE, "〔电话〕"),
        (_LONG_NUMBER, "〔数字〕"),
    ):
        text = pattern.sub(mask, text)
    return " ".join(text.split())
