"""The blended intent classifier (dialogue/blended_intent_classifier.py): trained on the pipeline's
sparse features, stored and loaded through Rasa's model storage, and blending its scores with the
ranking DIET left on the message."""
from __future__ import annotations

from typing import Dict, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from dialogue.blended_intent_classifier import BlendedIntentClassifier
from dialogue.simplified_tokenizer import SimplifiedJiebaTokenizer

LINES = {
    "withdraw_registration": ["撤销登记", "我要撤回登记", "把登记删了", "取消我的失业登记", "登记不要了"],
    "check_registration": ["查一下登记", "我登记上了吗", "看看我的登记", "登记状态怎么样", "查登记进度"],
}


@pytest.fixture()
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture()
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture()
def featurize(storage, context):
    tokenizer = SimplifiedJiebaTokenizer(SimplifiedJiebaTokenizer.get_default_config(), None, None)  # type: ignore[arg-type]
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 2},
        storage, Resource("cvf"), context,
    )
    examples = [Message(data={TEXT: text, INTENT: intent}) for intent, texts in LINES.items() for text in texts]
    training = TrainingData(examples)
    tokenizer.process_training_data(training)
    featurizer.train(training)
    featurizer.process_training_data(training)

    def messages(texts: List[str], diet: Dict[str, float]) -> List[Message]:
        out = [Message(data={TEXT: text}) for text in texts]
        tokenizer.process(out)
        featurizer.process(out)
        ranking = sorted(({"name": k, "confidence": v} for k, v in diet.items()), key=lambda e: -e["confidence"])
        for message in out:
            message.set(INTENT, ranking[0])
            message.set(INTENT_RANKING_KEY, ranking)
        return out

    return training, messages


def trained(storage, context, training, **config) -> BlendedIntentClassifier:
    resource = Resource("blend")
    component = BlendedIntentClassifier.create(
        {**BlendedIntentClassifier.get_default_config(), **config}, storage, resource, context
    )
    component.train(training)
    return BlendedIntentClassifier.load(
        {**BlendedIntentClassifier.get_default_config(), **config}, storage, resource, context
    )


def test_loaded_component_blends_its_scores_with_diets_by_the_weight(storage, context, featurize):
    training, messages = featurize
    component = trained(storage, context, training, weight=0.5)
    diet = {"check_registration": 0.9, "withdraw_registration": 0.1}
    [message] = component.process(messages(["帮我撤销登记", ], diet))
    own = dict(zip(component.clf.classes_, component.clf.predict_proba(component._create_X([message]))[0]))
    assert own["withdraw_registration"] > 0.5  # the linear model reads 撤销 as withdrawal
    scores = {e["name"]: e["confidence"] for e in message.get(INTENT_RANKING_KEY)}
    for name in LINES:
        assert scores[name] == pytest.approx(0.5 * own[name] + 0.5 * diet[name])
    assert message.get(INTENT)["name"] == max(scores, key=scores.get)
    assert abs(sum(scores.values()) - 1.0) < 1e-6


def test_weight_zero_keeps_diets_ranking(storage, context, featurize):
    training, messages = featurize
    component = trained(storage, context, training, weight=0.0)
    [message] = component.process(messages(["帮我撤销登记"], {"check_registration": 0.7, "withdraw_registration": 0.3}))
    assert message.get(INTENT)["name"] == "check_registration"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.7)


def test_training_leaves_the_gold_intents_of_the_examples(storage, context, featurize):
    training, _ = featurize
    component = trained(storage, context, training)
    component.process_training_data(training)
    assert [m.get(INTENT) for m in training.intent_examples] == [
        intent for intent, texts in LINES.items() for _ in texts
    ]


def test_a_model_without_the_fitted_file_does_not_load_as_diet_alone(storage, context):
    with pytest.raises(ValueError):
        BlendedIntentClassifier.load(
            BlendedIntentClassifier.get_default_config(), storage, Resource("never_trained"), context
        )
