"""The password policy for local accounts (docs/security.md, "Users and passwords").

Applied wherever a person sets a password: the admin API and page, `python -m cli.users` and
COCKPIT_ADMIN_PASSWORD at start. Accounts from single sign-on have no local password.

- at least MIN_LENGTH characters (and at most MAX_LENGTH), all printable (spaces are; tabs,
  control characters and broken Unicode are not);
- not built on the user name: compared case-insensitively, a password that contains the user
  name must keep, once the name is taken out, at least MIN_WITHOUT_NAME characters with a letter
  among them that are not a common password ("alice2024!!" and "li12345678" are refused for
  alice and li, "test-admin-pw" for admin is not);
- not one of COMMON_PASSWORDS (case-insensitive).
"""
from __future__ import annotations

import string

from core.i18n import t

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_WITHOUT_NAME = 8

# Leaked-password lists' favourites of 10 characters or more, and shorter ones for good measure
# (those also fail the length rule). Compared case-insensitively.
COMMON_PASSWORDS = frozenset({
    "password123", "password1234", "password12345", "passw0rd123", "p@ssw0rd123", "password!23",
    "12345678910", "1234567890", "0123456789", "12345678901", "123456789012", "1234567890123",
    "9876543210", "1111111111", "0000000000", "1122334455", "1234512345", "1234554321",
    "admin12345", "admin123456", "administrator", "admin@12345", "root123456", "abc1234567",
    "qwertyuiop", "qwerty12345", "qwerty123456", "1qaz2wsx3edc", "1q2w3e4r5t", "zaq12wsxcde3",
    "asdfghjkl1", "zxcvbnm123", "qazwsxedc123", "abcdefghij", "abcd123456", "a123456789",
    "aa123456789", "iloveyou123", "woaini1314", "woaini520", "5201314520", "1314520520",
    "qq123456789", "welcome123", "letmein123", "changeme123", "sunshine123", "football123",
    "password", "12345678", "123456789", "qwerty", "iloveyou", "admin123", "change-me",
})


class WeakPassword(ValueError):
    """A password the policy refuses; `key` and `values` word the reason in any language."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(t(key, "en", **values))
        self.key = key
        self.values = values

    def text(self, lang: str | None = None) -> str:
        """The reason in `lang` (default: the current request's language)."""
        return t(self.key, lang, **self.values)


def check_password(password: object, username: str) -> None:
    """Raise WeakPassword unless `password` may be the password of `username`."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise WeakPassword("password.too_short", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise WeakPassword("password.too_long", max=MAX_LENGTH)
    if not password.isprintable():
        raise WeakPassword("password.unprintable")
    folded, name = password.casefold(), username.casefold()
    rest = folded.replace(name, "") if name else folded
    if rest != folded and (len(rest) < MIN_WITHOUT_NAME or not any(c.isalpha() for c in rest)
                           or rest.strip(string.punctuation + " ") in COMMON_PASSWORDS):
        raise WeakPassword("password.contains_name", rest=MIN_WITHOUT_NAME)
    if folded in COMMON_PASSWORDS:
        raise WeakPassword("password.common")
