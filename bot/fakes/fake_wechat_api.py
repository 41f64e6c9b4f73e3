"""The WeChat API endpoints we use: /cgi-bin/token, /cgi-bin/message/custom/send,
/cgi-bin/message/template/send and /cgi-bin/menu/create, with access tokens that really expire
when told to."""
from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional, Set

from bot.fakes.loopback import Answer, LoopbackServer, Recorded

OK = {"errcode": 0, "errmsg": "ok"}
SENDS = ("/cgi-bin/message/custom/send", "/cgi-bin/message/template/send")
MENU = "/cgi-bin/menu/create"


class FakeWeChatAPI(LoopbackServer):
    def __init__(self, appid: str = "wx_fake_appid", secret: str = "fake_secret", port: int = 0):
        super().__init__(port)
        self.appid, self.secret = appid, secret
        self._serial = itertools.count(1)
        self.valid_tokens: Set[str] = set()
        self.token_fetches = 0
        self.menu: Optional[Dict[str, Any]] = None  # the last menu created

    def revoke_tokens(self) -> None:
        """Every issued token stops working (as when another party fetched a new one)."""
        with self._lock:
            self.valid_tokens.clear()

    def handle(self, request: Recorded) -> Answer:
        with self._lock:
            return self._handle(request)

    def _handle(self, request: Recorded) -> Answer:
        if request.path == "/cgi-bin/token":
            return self._token(request.query)
        if request.path in (*SENDS, MENU):
            if request.query.get("access_token") not in self.valid_tokens:
                return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
            if request.path == MENU:
                self.menu = request.json
                return 200, dict(OK)
            if request.path.endswith("template/send"):
                return 200, dict(OK, msgid=next(self._serial))
            return 200, dict(OK)
        return 404, {"errcode": 404, "errmsg": "not found"}

    def _token(self, query: Dict[str, str]) -> Answer:
        if query.get("grant_type") != "client_credential":
            return 200, {"errcode": 40002, "errmsg": "invalid grant_type"}
        if query.get("appid") != self.appid:
            return 200, {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != self.secret:
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
        self.token_fetches += 1
        token = f"FAKE_ACCESS_TOKEN_{next(self._serial)}"
        self.valid_tokens.add(token)
        return 200, {"access_token": token, "expires_in": 7200}

    def delivered(self, openid: Optional[str] = None, kind: str = "custom") -> List[Dict[str, Any]]:
        """Payloads of the messages WeChat accepted (errcode 0), in arrival order."""
        path = f"/cgi-bin/message/{kind}/send"
        return [
            r.json for r in self.received(path)
            if r.status == 200 and isinstance(r.answer, dict) and r.answer.get("errcode") == 0
            and (openid is None or r.json.get("touser") == openid)
        ]
