"""``python -m policies_kb.validate [DATA_DIR]``: check the knowledge-base files, print problems."""
from __future__ import annotations

import sys
from pathlib import Path

from policies_kb.loader import DEFAULT_DATA_DIR, KnowledgeBaseError, load_documents


def main(argv: list) -> int:
    data_dir = Path(argv[0]) if argv else DEFAULT_DATA_DIR
    try:
        clauses = load_documents(data_dir)
    except KnowledgeBaseError as exc:
        print(f"knowledge base invalid: {len(exc.problems)} problem(s)", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    docs = sorted({c.doc.id for c in clauses})
    facts = sum(len(c.facts) for c in clauses)
    print(f"knowledge base ok: {len(docs)} documents, {len(clauses)} clauses, {facts} facts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
