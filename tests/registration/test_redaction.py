"""registry/redaction.py: ID-like tokens leave the message before Rasa sees it."""
from __future__ import annotations

from registry.redaction import UNAVAILABLE, first_reference, redact_id_numbers
from tests.registry.helpers import make_id

NUMBER = make_id()


def test_id_numbers_are_replaced_by_vault_references(ledger):
    text = redact_id_numbers(f"身份证{NUMBER}，手机13912345678", "s1", ledger)
    assert NUMBER not in text and "13912345678" in text
    assert ledger.vault_get("s1", first_reference(text)) == NUMBER


def test_spaced_lower_case_and_near_miss_numbers_are_taken_out(ledger):
    spaced = f"{NUMBER[:6]} {NUMBER[6:14]} {NUMBER[14:17]}{NUMBER[17].lower()}"
    text = redact_id_numbers(spaced, "s1", ledger)
    assert ledger.vault_get("s1", first_reference(text)) == NUMBER
    for near in (NUMBER[:17], NUMBER + "1", NUMBER[:15]):
        assert near not in redact_id_numbers(f"号码{near}", "s1", ledger)


def test_numbers_grouped_any_way_are_taken_out(ledger):
    for typed in (" ".join(NUMBER[i:i + 4] for i in range(0, 18, 4)), f"{NUMBER[:6]}-{NUMBER[6:10]}-{NUMBER[10:]}"):
        text = redact_id_numbers(f"身份证：{typed}", "s1", ledger)
        assert typed not in text and ledger.vault_get("s1", first_reference(text)) == NUMBER


def test_other_numbers_stay(ledger):
    for text in ("2024年毕业", "13912345678", "贷款20万", "订单号ABC220102200103151234", "139 1234 5678",
                 "+86 139-1234-5678", "13912345678 2024年毕业", "13912345678 13800138000"):
        assert redact_id_numbers(text, "s1", ledger) == text


def test_vault_failure_drops_the_number(caplog):
    class Broken:
        def vault_put(self, *args):
            raise RuntimeError(f"db down {args}")

    text = redact_id_numbers(NUMBER, "s1", Broken())
    assert first_reference(text) == UNAVAILABLE and NUMBER not in text and NUMBER not in caplog.text


def test_rest_channel_redacts_before_rasa(ledger):
    import asyncio

    from rasa.shared.utils.common import class_from_module_path

    from bot.rest_channel import RestConfig, RestInput

    assert class_from_module_path("bot.rest_channel.RestInput") is RestInput
    seen = []

    async def on_new_message(message) -> None:
        seen.append(message)

    asyncio.run(RestInput(RestConfig(token=None)).turn(on_new_message, "rest-user", f"身份证{NUMBER}", None))
    text = seen[0].text
    assert seen[0].sender_id == "rest:rest-user"
    assert NUMBER not in text and ledger.vault_get("rest:rest-user", first_reference(text)) == NUMBER
