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
import re
import threading
import unicodedata
from typing import Dict, Iterable, List, Optional

from policies_kb.lexicon import load_lexicon
from policies_kb.regions import lookup
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


# A Latin word of five letters or more (pinyin of two syllables at least: xiaowei, danbao).
_LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{5,}(?![A-Za-z])")


class TypoRepairer:
    """Maps a misspelt window to the policy term with the same toneless pinyin."""

    def __init__(self, vocabulary: Iterable[str]):
        self._terms = set(vocabulary)
        self._by_key: Dict[str, str] = {}
        for term in sorted(self._terms):
            self._by_key.setdefault(_pinyin_key(term), term)
        self._by_spelling = {key.replace(" ", ""): term for key, term in reversed(list(self._by_key.items()))}

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

        return _LATIN_WORD.sub(spell, text)

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
                    if term:  # a known term is kept whole, so its tail is not "repaired"
                        out.append(term)
                        i += size
                        break
                else:
                    out.append(run[i])
                    i += 1
            return "".join(out)

        return _CJK_RUN.sub(fix_run, text)


@functools.lru_cache(maxsize=1)
def default_repairer() -> TypoRepairer:
    """Repairs towards the policy dictionary and the lexicon's terms (not every fact alias: an
    alias such as 招人 is everyday speech, and 找人 must stay 找人)."""
    return TypoRepairer(policy_vocabulary(load_lexicon().terms))


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
