"""Every clause and quote is verbatim from the source documents in ../shared/seeds/, and the
documents' metadata matches their headers."""
from __future__ import annotations

import pytest

from policies_kb.loader import squash
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        pytest.fail(f"seed documents not found at {SEEDS} (set JIUYE_SEEDS_DIR)")
    return {p.name: squash(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}


def test_every_document_has_its_seed(kb, seeds):
    assert {d.source_file for d in kb.documents} == set(seeds)


def test_doc_numbers_appear_in_their_seed(kb, seeds):
    for doc in kb.documents:
        assert squash(doc.doc_no) in seeds[doc.source_file], doc.id


def test_clause_texts_are_verbatim(kb, seeds):
    bad = [c.ref for c in kb.clauses if squash(c.text) not in seeds[c.doc.source_file]]
    assert not bad, f"clause texts not found verbatim in their seed: {bad}"


def test_headline_figures_are_encoded(kb):
    """The figures graduates ask most about are present with the right values."""
    def value(province, key):
        for clause in kb.clauses:
            fact = clause.fact(key)
            if clause.doc.province == province and fact is not None:
                return fact.value
        return None

    assert value("吉林", "loan.individual_max") == 20
    assert value("吉林", "loan.partner_per_person_max") == 22
    assert value("吉林", "loan.partner_total_max") == 220
    assert value("江西", "loan.individual_max") == 30
    assert value("江西", "loan.sme_max") == 600
    assert value("吉林", "internship.retention_bonus") == 2000
    assert value("吉林", "internship.subsidy_youth") == 60


def test_every_topic_has_clauses(kb):
    missing = [t for t in kb.topics if not kb.clauses_for(t)]
    assert not missing, f"topics without any clause: {missing}"
