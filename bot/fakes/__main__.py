"""`python -m bot.fakes`: run the fake WeChat and Telegram APIs on loopback until Ctrl+C and
print the environment to point the assistant at them."""
from __future__ import annotations

import argparse
import time

from bot.fakes.fake_telegram_api import FakeTelegramAPI
from bot.fakes.fake_wechat_api import FakeWeChatAPI


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wechat-port", type=int, default=8701)
    parser.add_argument("--telegram-port", type=int, default=8702)
    args = parser.parse_args()
    with FakeWeChatAPI(port=args.wechat_port) as wechat, FakeTelegramAPI(port=args.telegram_port) as telegram:
        print(f"export WECHAT_API_BASE={wechat.url} WECHAT_APPID={wechat.appid} WECHAT_APP_SECRET={wechat.secret}")
        print(f"export TELEGRAM_API_BASE={telegram.url} TELEGRAM_TOKEN={telegram.token}")
        print("# requests received are printed below; Ctrl+C to stop", flush=True)
        seen = 0
        try:
            while True:
                requests = sorted(wechat.received() + telegram.received(), key=lambda r: r.received_at)
                for request in requests[seen:]:
                    print(request.method, request.path, request.status, request.body.decode("utf-8")[:200], flush=True)
                seen = len(requests)
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
