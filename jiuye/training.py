"""Trains the Rasa model only when its inputs changed (fingerprint of the files that go in)."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List

from settings import PROJECT_DIR

NLU_DIR = PROJECT_DIR / "nlu"
CONFIG = NLU_DIR / "config.yml"
DOMAIN = NLU_DIR / "domain"
DATA = NLU_DIR / "data"
JIEBA = NLU_DIR / "jieba"
# The pipeline's own components (nlu/config.yml names them): a change to how they cut or featurize
# text changes what the model learns, so it must retrain the model like a change to the data.
COMPONENTS = PROJECT_DIR / "dialogue"
# The tokenizer reads text as the channels hand it over (policies_kb/normalize.py: the lexicon's
# variants, typo repair towards the documents' terms, place names): the knowledge base's code and
# data shape the tokens, so they are training inputs too.
KNOWLEDGE_BASE = PROJECT_DIR / "policies_kb"


def training_inputs() -> List[Path]:
    files = [CONFIG]
    for folder in (DOMAIN, DATA, JIEBA):
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    files += sorted(p for p in KNOWLEDGE_BASE.rglob("*") if p.is_file() and p.suffix in (".py", ".yml"))
    return files + sorted(COMPONENTS.glob("*.py"))


def fingerprint(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(PROJECT_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def train(model_path: Path, force: bool = False) -> bool:
    """Train into ``model_path`` unless it was trained from identical inputs. True if trained."""
    name = model_path.name[: -len(".tar.gz")] if model_path.name.endswith(".tar.gz") else model_path.stem
    stamp = model_path.parent / f"{name}.fingerprint"
    current = fingerprint(training_inputs())
    if not force and model_path.exists() and stamp.exists() and stamp.read_text().strip() == current:
        print(f"model up to date: {model_path}", file=sys.stderr)
        return False
    model_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        rasa_executable(), "train", "--config", str(CONFIG), "--domain", str(DOMAIN), "--data", str(DATA),
        "--out", str(model_path.parent), "--fixed-model-name", name, "--force",
    ]
    subprocess.run(command, check=True, cwd=PROJECT_DIR)
    stamp.write_text(current + "\n")
    return True
