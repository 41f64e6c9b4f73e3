"""A real-shaped action-server response (a policy answer inside the registration form), shared
by the Rasa patch tests and bench/bench_validator.py."""

POLICY_ANSWER_IN_FORM = {
    "events": [
        {"event": "slot", "timestamp": None, "name": "region", "value": "吉林省"},
        {"event": "slot", "timestamp": None, "name": "policy_hits", "value": [{"id": "jl-001", "score": 0.9}]},
        {"event": "active_loop", "timestamp": None, "name": "registration_form"},
        {"event": "bot", "timestamp": None, "text": "最高 20 万元。", "data": {"custom": {"citations": []}}},
        {"event": "followup", "timestamp": None, "name": "action_listen"},
    ],
    "responses": [{"text": "吉林省创业担保贷款最高 20 万元。", "custom": {"region": "吉林省", "citations": []}}],
}
