"""Rasa-side components of Jiuye's dialogue (loaded by the Rasa model, not by the action server)."""
