"""Chinese tokenisation shared by search and answer selection (jieba + the policy-term dictionary)."""
from __future__ import annotations

import functools
import re
import threading
from pathlib import Path
from typing import FrozenSet, List

POLICY_TERMS = Path(__file__).resolve().parent.parent / "nlu" / "jieba" / "policy_terms.txt"
_STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 是 我 你 您 他 她 们 有 没有 什么 怎么 怎样 如何 多少 哪些 哪个 能 可以 会 要 想 请问 "
    "一下 这个 那个 和 与 及 或 在 对 给 为 被 把 就 都 也 还 又 个 人 年 月 日 等 中 上 下 里 吗？ ？ 。 ， ！ 、 "
    "省 市 今年 现在 具体 一个 需要 应该 是否 情况 问 请 嗯 哦".split()
)
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_lock = threading.Lock()
_ready = False


def ensure_dictionary() -> None:
    """Load the policy-term dictionary into jieba once per process (jieba state is global)."""
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            import jieba

            jieba.setLogLevel(60)
            if POLICY_TERMS.exists():
                jieba.load_userdict(str(POLICY_TERMS))
            _ready = True


@functools.lru_cache(maxsize=1)
def policy_terms() -> FrozenSet[str]:
    """The words of the policy-term dictionary (what jieba is taught to keep whole)."""
    if not POLICY_TERMS.exists():
        return frozenset()
    lines = POLICY_TERMS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip())


def tokens(text: str) -> List[str]:
    """Content words of ``text``: jieba search-mode tokens without stop words and punctuation."""
    ensure_dictionary()
    import jieba

    out = []
    for word in jieba.cut_for_search(text or ""):
        word = word.strip().lower()
        if word and word not in _STOPWORDS and not _PUNCT.match(word):
            out.append(word)
    return out


_CLAUSES = re.compile(r"[，。,.；;？?！!\s]+")


def clauses_of(text: str) -> List[str]:
    """The clauses of a message, split at punctuation and spaces."""
    return [c for c in _CLAUSES.split(text) if c]


def clause_start(text: str, position: int) -> int:
    """Where the clause holding ``position`` begins (after the last break before it)."""
    breaks = [m.end() for m in _CLAUSES.finditer(text, 0, position)]
    return breaks[-1] if breaks else 0
