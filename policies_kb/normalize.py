"""Text normalisation before NLU and retrieval, with the field's libraries:

- full-width → half-width and control characters removed (``unicodedata``, NFKC);
- traditional → simplified (OpenCC's ``t2s`` tables, ``opencc-python-reimplemented``);
- everyday and dialect spellings → standard ones (``lexicon.yml`` ``variants``: 咋 → 怎么, 木有 → 没有);
- typos and homophones repaired by pinyin against the knowledge base's own vocabulary
  (``pypinyin``): 担宝 → 担保, 补帖 → 补贴, 档按 → 档案. A window is repaired only when it is not a
  word of its own in jieba's dictionary and differs from the policy term in at most one character,
  so 带宽 never becomes 贷款.

Chinese numerals are converted where they are read (``actions/numbers.py``, cn2an), not here: the
user's text is kept as written apart from these repairs.
"""
from __future__ import annotations

import functools
import itertools
import re
import threading
import unicodedata
from typing import Dict, Iterable, List, Optional

from policies_kb.lexicon import load_lexicon
from policies_kb.loader import KnowledgeBaseError, load_documents
from policies_kb.regions import lookup, place_names
from policies_kb.text import POLICY_TERMS, ensure_dictionary

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    import opencc  # opencc-python-reimplemented

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=65536)
def _pinyin_key(word: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(word))


def policy_vocabulary(extra: Iterable[str] = ()) -> List[str]:
    """Multi-character policy terms: the jieba policy dictionary plus ``extra``."""
    words = set(extra)
    if POLICY_TERMS.exists():
        for line in POLICY_TERMS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                words.add(line.split()[0])
    # Place names are left out: 吉林事业单位 must not become 吉林市业单位.
    return sorted(
        w for w in words if 2 <= len(w) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", w) and lookup(w) is None
    )


# A Latin word of four letters or more (pinyin of two syllables at least: qiye, xiaowei, danbao).
_LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{4,}(?![A-Za-z])")
# Any Latin word of two letters or more, read when a whole message is typed in pinyin.
_ANY_LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")
# A message is typed in pinyin when it has this many Latin words and this share of them spell a
# word we know (English mixed into a Chinese question stays English).
PINYIN_SENTENCE_WORDS = 3
PINYIN_SENTENCE_SHARE = 0.6


class TypoRepairer:
    """Maps a misspelt window to the policy term with the same toneless pinyin."""

    def __init__(self, vocabulary: Iterable[str], everyday: Iterable[str] = ()):
        """``everyday``: words (places, question words: 吉林, 最高, 多少, 能) read from pinyin only
        in a message typed wholly in pinyin, and never used to repair a typo."""
        self._terms = set(vocabulary)
        self._known = self._terms | {w for w in everyday if len(w) >= 2}
        self._by_key: Dict[str, str] = {}
        for term in sorted(self._terms):
            self._by_key.setdefault(_pinyin_key(term), term)
        self._by_spelling = {key.replace(" ", ""): term for key, term in reversed(list(self._by_key.items()))}
        self._by_sentence_spelling = dict(self._by_spelling)
        for word in sorted(set(everyday) - self._terms):
            if re.fullmatch(r"[\u4e00-\u9fff]+", word):
                self._by_sentence_spelling.setdefault(_pinyin_key(word).replace(" ", ""), word)
                if len(word) >= 2:  # qiye in 中小微qiye: two syllables at least, as for a term
                    self._by_spelling.setdefault(_pinyin_key(word).replace(" ", ""), word)

    def _candidate(self, window: str) -> Optional[str]:
        if window in self._terms:
            return None
        term = self._by_key.get(_pinyin_key(window))
        if term is None or sum(a != b for a, b in zip(term, window)) > 1:
            return None
        ensure_dictionary()
        import jieba

        if jieba.dt.FREQ.get(window):  # a real word of its own (带宽, 酒业): leave it
            return None
        return term

    def from_pinyin(self, text: str) -> str:
        """A Latin word that spells a policy term in toneless pinyin becomes that term (xiaowei →
        小微, danbao → 担保); a term of one syllable-pair at least, so English words stay."""
        def spell(match: "re.Match[str]") -> str:
            return self._by_spelling.get(match.group(0).lower(), match.group(0))

        latin = list(_ANY_LATIN_WORD.finditer(text))
        known = [m for m in latin if m.group(0).lower() in self._by_sentence_spelling]
        if len(latin) >= PINYIN_SENTENCE_WORDS and len(known) >= PINYIN_SENTENCE_SHARE * len(latin):
            return self._spell_sentence(text, latin)
        return _LATIN_WORD.sub(spell, text)

    def _spell_sentence(self, text: str, latin: List["re.Match[str]"]) -> str:
        """A message typed in pinyin (jilin daxuesheng chuangye danbao daikuan zuigao neng dai
        duoshao qian; 吉林 jiu ye jian xi): each run of words, syllables typed apart joined
        first (jiu ye → 就业, jian xi → 见习), read as the longest word we know."""
        out, at, i = [], 0, 0
        while i < len(latin):
            for size in range(min(4, len(latin) - i), 0, -1):
                run = latin[i:i + size]
                if any(text[a.end():b.start()].strip() for a, b in itertools.pairwise(run)):
                    continue  # only words with nothing but spaces between them are joined
                word = self._by_sentence_spelling.get("".join(m.group(0) for m in run).lower())
                if word is not None or size == 1:
                    out.append(text[at:run[0].start()] + (word or run[0].group(0)))
                    at, i = run[-1].end(), i + size
                    break
        return "".join(out) + text[at:]

    def _repairs_across(self, run: str, start: int, end: int) -> bool:
        """Whether a misspelt window beginning inside ``run[start - 1:end]`` reaches past ``end``."""
        return any(
            len(run[j:j + size]) == size and j + size > end and self._candidate(run[j:j + size]) is not None
            for j in range(start, end) for size in (4, 3, 2)
        )

    def _breaks_a_word(self, run: str, start: int, end: int) -> bool:
        """Whether a known word (a place, a term) starts inside ``run[start:end]`` and runs past it:
        想考延边州 is not 考研 + 边州, since 延边 is a place."""
        return any(run[j:j + size] in self._known for j in range(start + 1, end) for size in (2, 3, 4)
                   if end < j + size <= len(run))

    def repair(self, text: str) -> str:
        def fix_run(match: "re.Match[str]") -> str:
            run = match.group(0)
            out, i = [], 0
            while i < len(run):
                for size in (4, 3, 2):
                    window = run[i:i + size]
                    if len(window) < size:
                        continue
                    term = window if window in self._terms else self._candidate(window)
                    if term and term != window and self._breaks_a_word(run, i, i + size):
                        term = None
                    if term == window and self._repairs_across(run, i + 1, i + size):
                        out.append(run[i])  # 考公务元: 考公 is a term, but 公务元 → 公务员 reaches further
                        i += 1
                        break
                    if term:  # a known term is kept whole, so its tail is not "repaired"
                        out.append(term)
                        i += size
                        break
                else:
                    out.append(run[i])
                    i += 1
            return "".join(out)

        return _CJK_RUN.sub(fix_run, text)


def _specific_keywords() -> List[str]:
    """The knowledge base's fact keywords of three or four characters (检察院, 文职人员): specific
    enough to repair towards (检查院 → 检察院), unlike a two-character alias such as 招人, which is
    everyday speech (找人 must stay 找人)."""
    try:
        clauses = load_documents()
    except KnowledgeBaseError:  # the validator reports it; typos are then left as typed
        return []
    asks = load_lexicon().asks  # 能贷多少 is how a question is put, not a term to repair towards
    return sorted({k for c in clauses for f in c.facts for k in f.keywords if 3 <= len(k) <= 4 and not asks(k)})


@functools.lru_cache(maxsize=1)
def default_repairer() -> TypoRepairer:
    """Repairs towards the policy dictionary, the lexicon's terms and the facts' specific keywords."""
    lexicon = load_lexicon()
    vocabulary = policy_vocabulary(tuple(lexicon.terms) + tuple(_specific_keywords()))
    return TypoRepairer(vocabulary, everyday=tuple(lexicon.generic) + lexicon.spoken + place_names())


def normalize(text: Optional[str], repairer: Optional[TypoRepairer] = None) -> str:
    """The text NLU and retrieval see; see the module docstring for each step."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    if not text:
        return text
    with _lock:  # OpenCC's converter object is not documented as thread-safe
        text = _converter().convert(text)
    for variant, standard in load_lexicon().variants:
        if variant.isascii():  # whole words only, any case: "loan" but not "loans" inside a name
            text = re.sub(rf"(?i)(?<![a-z]){re.escape(variant)}(?![a-z])", standard, text)
        elif variant in text:
            text = text.replace(variant, standard)
    text = re.sub(r"(?<=[\d多少几])\s*[wW](?![a-zA-Z])", "万", text)  # 50w -> 50万
    repairer = repairer or default_repairer()
    return repairer.repair(repairer.from_pinyin(text))
