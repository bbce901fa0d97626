"""Messages of Production serving and faults: cache, app database, paging.

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE. Each key maps
to its (Chinese, English) text.
"""
from __future__ import annotations

PRODUCTION_MESSAGES: dict[str, tuple[str, str]] = {
    "production.login_unavailable": ("应用数据库暂不可用，暂时无法登录，请稍后重试。已登录的用户可继续浏览。",
                                     "The application database is unavailable, so signing in is not possible "
                                     "right now; please try again shortly. Users already signed in can keep reading."),
    "production.action_not_saved": ("应用数据库暂不可用，操作未保存，已保留以便重试（相同请求编号不会重复记录）。",
                                    "The application database is unavailable: the action was not saved and is "
                                    "kept for retry (the same request id is never recorded twice)."),
}
