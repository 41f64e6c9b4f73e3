"""The loader rejects bad data with file, entry and problem; the shipped data is valid."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from policies_kb.loader import DEFAULT_DATA_DIR, KnowledgeBaseError, load_documents

GOOD_DOC = {
    "id": "xx-test", "doc_no": "测〔2022〕1号", "issuer": "测试厅", "title": "测试文件", "date": "2022-01-02",
    "province": "吉林", "validity": "2022年度", "source_file": "x.txt",
}
GOOD_CLAUSE = {
    "clause": "（一）", "heading": "贷款", "section": "", "topics": ["loan"],
    "text": "对自主创业的高校毕业生给予额度最高20万元的创业担保贷款。",
    "facts": [{
        "key": "loan.individual_max", "kind": "amount", "value": 20, "unit": "万元",
        "say": "个人最高20万元。", "quote": "额度最高20万元", "keywords": ["个人"], "primary": True,
    }],
}


def write(tmp_path: Path, doc=None, clauses=None, name="xx-test.yml") -> Path:
    data = {"doc": doc or dict(GOOD_DOC), "clauses": clauses if clauses is not None else [dict(GOOD_CLAUSE)]}
    (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path) -> str:
    with pytest.raises(KnowledgeBaseError) as info:
        load_documents(tmp_path)
    return str(info.value)


def test_shipped_knowledge_base_is_valid():
    clauses = load_documents(DEFAULT_DATA_DIR)
    assert len({c.doc.id for c in clauses}) == 5
    assert sum(len(c.facts) for c in clauses) > 100


def test_good_minimal_file_loads(tmp_path):
    clauses = load_documents(write(tmp_path))
    assert clauses[0].fact("loan.individual_max").value == 20


def test_invented_number_in_say_is_rejected(tmp_path):
    clause = dict(GOOD_CLAUSE, facts=[dict(GOOD_CLAUSE["facts"][0], say="个人最高30万元。")])
    message = problems(write(tmp_path, clauses=[clause]))
    assert "xx-test.yml: clause （一）: fact loan.individual_max: 'say' states numbers not in the quote: 30" in message


def test_quote_not_in_text_is_rejected(tmp_path):
    clause = dict(GOOD_CLAUSE, facts=[dict(GOOD_CLAUSE["facts"][0], quote="额度最高200万元")])
    assert "quote is not verbatim in the clause text" in problems(write(tmp_path, clauses=[clause]))


def test_unknown_topic_and_kind_are_named(tmp_path):
    clause = dict(GOOD_CLAUSE, topics=["lottery"], facts=[dict(GOOD_CLAUSE["facts"][0], kind="guess")])
    message = problems(write(tmp_path, clauses=[clause]))
    assert "unknown topic 'lottery'" in message and "kind 'guess'" in message


def test_numeric_fact_without_value_is_rejected(tmp_path):
    fact = {k: v for k, v in GOOD_CLAUSE["facts"][0].items() if k != "value"}
    assert "needs a numeric 'value'" in problems(write(tmp_path, clauses=[dict(GOOD_CLAUSE, facts=[fact])]))


def test_bad_date_province_and_id(tmp_path):
    doc = dict(GOOD_DOC, date="2022-13-45", province="广东", id="other")
    message = problems(write(tmp_path, doc=doc))
    assert "province '广东'" in message and "must equal the file name" in message


def test_missing_field_and_duplicate_clause(tmp_path):
    missing = {k: v for k, v in GOOD_CLAUSE.items() if k != "text"}
    message = problems(write(tmp_path, clauses=[missing]))
    assert "clause （一）: missing field 'text'" in message
    twice = [dict(GOOD_CLAUSE), dict(GOOD_CLAUSE, facts=[])]
    assert "clause number used twice" in problems(write(tmp_path, clauses=twice))


def test_broken_yaml_names_the_file(tmp_path):
    (tmp_path / "broken.yml").write_text("doc: [unclosed", encoding="utf-8")
    assert "broken.yml: file: not valid YAML" in problems(tmp_path)


def test_one_bad_file_rejects_the_whole_base(tmp_path):
    for path in DEFAULT_DATA_DIR.glob("*.yml"):
        shutil.copy(path, tmp_path)
    write(tmp_path, clauses=[dict(GOOD_CLAUSE, topics=[])])
    assert "xx-test.yml: clause （一）: missing field 'topics'" in problems(tmp_path)


def test_cli_reports_problems_without_traceback(tmp_path, capsys):
    from policies_kb.validate import main

    write(tmp_path, clauses=[dict(GOOD_CLAUSE, topics=["nope"])])
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "unknown topic 'nope'" in err and "Traceback" not in err
