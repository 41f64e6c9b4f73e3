"""A policy that ends every turn: after any action has run in a turn, ``action_listen`` is
predicted with a confidence above the rule policy's core fallback and below every rule or
memorised story.

Why: Rasa's ``RulePolicy`` predicts its core fallback action whenever no rule matches the current
state, *including the state right after that fallback ran*. An intent without a rule in some state
(``嗯`` at the start, ``好的`` after a submitted form) therefore made the fallback run again and again
until the processor's circuit breaker tripped, and the broken turn left the conversation wedged.
With this policy a turn never needs more than the actions its rules name, plus at most one
fallback action, and always ends by listening.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class TurnEndPolicy(Policy):
    """Predicts ``action_listen`` with ``confidence`` once the latest event is a bot action."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Above RulePolicy's core_fallback_threshold (0.3 in nlu/config.yml), below rules (1.0).
        return {"priority": 1, "confidence": 0.5}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        latest = tracker.latest_action_name
        if latest and latest != ACTION_LISTEN_NAME:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = float(self.config["confidence"])
        return self._prediction(probabilities)
