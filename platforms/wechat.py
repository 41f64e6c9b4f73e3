"""The WeChat API calls this project makes, through httpx with explicit timeouts, a shared
access_token and the error mapping in ``errors``. The base URL is configurable (fakes in tests)."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Iterable, List, Optional

import httpx

from platforms.errors import Action, WeChatAPIError, action_for
from platforms.wechat_token import TokenStore

logger = logging.getLogger(__name__)

TOKEN_MARGIN = 300  # renew 5 minutes early: WeChat accepts the old token that long after a refresh

# Custom-menu rules (公众号 自定义菜单): at most 3 top-level buttons of at most 16 bytes (4 Chinese
# characters), each with at most 5 sub-buttons of at most 60 bytes; a button without sub-buttons
# needs a type, CLICK buttons a key (at most 128 bytes), VIEW buttons a url.
MENU_TOP, MENU_SUB, MENU_TOP_BYTES, MENU_SUB_BYTES, MENU_KEY_BYTES = 3, 5, 16, 60, 128


def quiet_http_logs() -> None:
    """httpx logs each URL at INFO; ours carry access tokens (and Telegram's the bot token)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)


class WeChatClient:
    def __init__(
        self, base_url: str, appid: str, secret: str, tokens: TokenStore, timeout: float = 5.0,
        attempts: int = 3, backoff: float = 0.3,
    ):
        self.base_url = base_url.rstrip("/")
        self.appid, self._secret = appid, secret
        self.tokens = tokens
        self.attempts, self.backoff = attempts, backoff
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 3.0))
        self._http: Optional[httpx.AsyncClient] = None
        quiet_http_logs()

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self._timeout)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
        await self.tokens.close()

    async def access_token(self) -> str:
        token = await self.tokens.get()
        if token:
            return token
        async with self.tokens.refreshing():
            token = await self.tokens.get()  # another process may have refreshed while we waited
            if token:
                return token
            data = await self._request("GET", "/cgi-bin/token", params={
                "grant_type": "client_credential", "appid": self.appid, "secret": self._secret,
            }, idempotent=True)
            token = data["access_token"]
            await self.tokens.put(token, max(60, int(data.get("expires_in", 7200)) - TOKEN_MARGIN))
            logger.info("wechat access_token refreshed")
            return token

    async def call(self, path: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        """POST ``payload`` with the access_token; refresh the token once when WeChat rejects it."""
        for attempt in range(2):
            token = await self.access_token()
            try:
                return await self._request("POST", path, params={"access_token": token}, payload=payload)
            except WeChatAPIError as exc:
                if exc.action is not Action.REFRESH_TOKEN or attempt:
                    raise
                logger.warning("wechat %s: token rejected (%s); refreshing", path, exc.errcode)
                await self.tokens.discard(token)
        raise AssertionError("unreachable")

    async def _request(
        self, method: str, path: str, params: Dict[str, str], payload: Optional[Dict[str, Any]] = None,
        idempotent: bool = False,
    ) -> Dict[str, Any]:
        """One API request with retries for busy / unreachable; raises WeChatAPIError otherwise.

        A send that timed out while waiting for the answer is not retried: WeChat may have
        delivered it, and a graduate should not get the same answer twice.
        """
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8") if payload is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else None
        for attempt in range(1, self.attempts + 1):
            try:
                response = await self._client().request(
                    method, self.base_url + path, params=params, content=body, headers=headers
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                error = WeChatAPIError(-2, type(exc).__name__, Action.RETRY)
            except httpx.TimeoutException as exc:
                error = WeChatAPIError(-3, type(exc).__name__, Action.RETRY if idempotent else Action.GIVE_UP)
            except httpx.HTTPError as exc:
                error = WeChatAPIError(-4, type(exc).__name__, Action.RETRY if idempotent else Action.GIVE_UP)
            else:
                answered = _error_of(response)
                if answered is None:
                    return response.json()
                error = answered
            logger.warning("wechat %s attempt %d/%d: %s", path, attempt, self.attempts, error)
            if error.action is not Action.RETRY:
                raise error
            if attempt < self.attempts:
                await asyncio.sleep(self.backoff * attempt)
        raise WeChatAPIError(error.errcode, error.errmsg, Action.GIVE_UP)

    async def send_text(self, openid: str, text: str) -> None:
        """A customer-service (客服) text message."""
        await self.call("/cgi-bin/message/custom/send", {"touser": openid, "msgtype": "text", "text": {"content": text}})

    async def create_menu(self, menu: Dict[str, Any]) -> None:
        """Replace the 公众号's custom menu (takes effect for users within minutes)."""
        await self.call("/cgi-bin/menu/create", menu)

    async def send_template(self, openid: str, template_id: str, data: Dict[str, Dict[str, str]]) -> None:
        await self.call("/cgi-bin/message/template/send", {"touser": openid, "template_id": template_id, "data": data})


def _error_of(response: httpx.Response) -> Optional[WeChatAPIError]:
    if response.status_code >= 500:
        return WeChatAPIError(-response.status_code, "HTTP error", Action.RETRY)
    if response.status_code != 200:
        return WeChatAPIError(-response.status_code, "HTTP error", Action.GIVE_UP)
    try:
        data = response.json()
    except ValueError:
        return WeChatAPIError(-5, "not JSON", Action.GIVE_UP)
    errcode = int(data.get("errcode") or 0)
    if errcode == 0:
        return None
    return WeChatAPIError(errcode, str(data.get("errmsg", "")), action_for(errcode))


def menu_problems(menu: Any, known_keys: Iterable[str]) -> List[str]:
    """What is wrong with a custom menu (``{"button": [...]}``) by WeChat's rules and for us: a
    CLICK key the channel does not answer (``known_keys``) is refused, so menu and channel agree."""
    known = set(known_keys)
    if not isinstance(menu, dict) or not isinstance(menu.get("button"), list) or not menu["button"]:
        return ["the menu needs a non-empty list `button`"]
    problems: List[str] = []
    if len(menu["button"]) > MENU_TOP:
        problems.append(f"at most {MENU_TOP} top-level buttons, not {len(menu['button'])}")

    def check(button: Any, where: str, max_bytes: int, may_have_subs: bool) -> None:
        if not isinstance(button, dict):
            problems.append(f"{where}: not a mapping")
            return
        name = str(button.get("name") or "")
        if not name or len(name.encode("utf-8")) > max_bytes:
            problems.append(f"{where}: name {name!r} must be 1-{max_bytes} bytes")
        subs = button.get("sub_button")
        if subs:
            if not may_have_subs or not isinstance(subs, list) or len(subs) > MENU_SUB:
                problems.append(f"{where}: at most {MENU_SUB} sub-buttons, and only on a top-level button")
                return
            for n, sub in enumerate(subs, 1):
                check(sub, f"{where}.{n}", MENU_SUB_BYTES, False)
            return
        kind = button.get("type")
        if kind == "click":
            key = str(button.get("key") or "")
            if key not in known or len(key.encode("utf-8")) > MENU_KEY_BYTES:
                problems.append(f"{where}: click key {key!r} is not one the channel answers ({', '.join(sorted(known))})")
        elif kind == "view":
            if not str(button.get("url") or "").startswith(("http://", "https://")):
                problems.append(f"{where}: a view button needs an http(s) url")
        else:
            problems.append(f"{where}: type must be click or view (with key or url), not {kind!r}")

    for n, button in enumerate(menu["button"], 1):
        check(button, f"button {n}", MENU_TOP_BYTES, True)
    return problems
