"""Personal data at rest: AES-256-GCM encryption with key ids, and keyed blind indexes.

Keys live outside the database:

- ``HUJIN_DATA_KEYS``: comma-separated ``<key id>:<base64 of 32 bytes>``; the first key encrypts,
  every listed key decrypts. Rotation: put a new key first, keep the old ones, run
  ``hujin keys rotate``, then drop the old keys.
- ``HUJIN_INDEX_KEY``: base64 of 32 bytes for the HMAC-SHA256 blind indexes. It never rotates with
  the data keys (changing it means rebuilding every index).

In development, when the variables are unset, both are generated on first use and kept under
``HUJIN_VAR_DIR`` (``data_keys`` and ``index_key``), like the development secret key.

A ciphertext is ``v1:<key id>:<base64(nonce || ciphertext || tag)>``. The associated data is the
field's purpose (``"<app>.<model>.<field>"``), so a ciphertext copied into another column does not
decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_lock = threading.Lock()


class DecryptionFailed(Exception):
    """A ciphertext is damaged, was moved to another column, or its key is not configured."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]  # key id -> 32-byte key, in configured order
    active_id: str
    index_key: bytes

    def encrypt(self, plaintext: str, *, purpose: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.keys[self.active_id]).encrypt(
            nonce, plaintext.encode(), purpose.encode()
        )
        return f"{PREFIX}:{self.active_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, purpose: str) -> str:
        try:
            prefix, key_id, body = token.split(":", 2)
            raw = base64.b64decode(body, validate=True)
        except ValueError as exc:
            raise DecryptionFailed("not a Hujin ciphertext") from exc
        if prefix != PREFIX:
            raise DecryptionFailed(f"unknown ciphertext version {prefix!r}")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionFailed(f"data key {key_id!r} is not configured")
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], purpose.encode()).decode()
        except InvalidTag as exc:
            raise DecryptionFailed("ciphertext does not authenticate") from exc

    def blind_index(self, value: str, *, purpose: str) -> str:
        message = purpose.encode() + b"\x00" + value.encode()
        return hmac.new(self.index_key, message, hashlib.sha256).hexdigest()


def key_id_of(token: str) -> str:
    """The id of the key a ciphertext was sealed with."""
    return token.split(":", 2)[1]


def _decode_key(text: str, *, what: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (AES-256), got {len(key)}")
    return key


def parse_data_keys(spec: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        key_id, sep, material = item.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "HUJIN_DATA_KEYS entries look like <key id>:<base64 key>, key id [A-Za-z0-9_-]"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"HUJIN_DATA_KEYS lists key id {key_id!r} twice")
        keys[key_id] = _decode_key(material, what=f"data key {key_id!r}")
    if not keys:
        raise ImproperlyConfigured("HUJIN_DATA_KEYS lists no key")
    return keys


def new_key_material() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def dev_keys_file() -> Path:
    return Path(settings.VAR_DIR) / "data_keys"


def dev_index_key_file() -> Path:
    return Path(settings.VAR_DIR) / "index_key"


def _dev_file(path: Path, make) -> str:
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _load() -> KeyRing:
    data_spec = os.environ.get("HUJIN_DATA_KEYS", "")
    index_spec = os.environ.get("HUJIN_INDEX_KEY", "")
    if settings.PROD and not (data_spec and index_spec):
        raise ImproperlyConfigured("HUJIN_DATA_KEYS and HUJIN_INDEX_KEY must be set in prod")
    if not data_spec:
        data_spec = _dev_file(dev_keys_file(), lambda: f"dev1:{new_key_material()}")
    if not index_spec:
        index_spec = _dev_file(dev_index_key_file(), new_key_material)
    keys = parse_data_keys(data_spec)
    return KeyRing(
        keys=keys,
        active_id=next(iter(keys)),
        index_key=_decode_key(index_spec, what="HUJIN_INDEX_KEY"),
    )


_ring: KeyRing | None = None


def keyring() -> KeyRing:
    """The configured keys, loaded once per process (``reload_keyring`` after changing them)."""
    global _ring
    if _ring is None:
        with _lock:
            if _ring is None:
                _ring = _load()
    return _ring


def reload_keyring() -> KeyRing:
    global _ring
    with _lock:
        _ring = None
    return keyring()


def encrypt(plaintext: str, *, purpose: str) -> str:
    return keyring().encrypt(plaintext, purpose=purpose)


def decrypt(token: str, *, purpose: str) -> str:
    return keyring().decrypt(token, purpose=purpose)


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC of a normalised value, for exact-match lookups of encrypted data.

    ``purpose`` separates the index spaces (a mobile number and a document number never share an
    index value). Callers normalise first (upper case, no spaces, E.164).
    """
    return keyring().blind_index(value, purpose=purpose)


class EncryptedTextField(models.TextField):
    """A text column stored as AES-256-GCM ciphertext; Python code sees the plaintext.

    Lookups other than ``isnull`` are meaningless on it: keep a blind index beside it. ``""``
    is stored as ``""`` (not encrypted) so that "no value" needs no key.
    """

    description = "Text encrypted at rest (AES-256-GCM)"

    def __init__(self, *args, purpose: str | None = None, **kwargs):
        self._purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self._purpose is not None:
            kwargs["purpose"] = self._purpose
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        return self._purpose or f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value, purpose=self.purpose)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, purpose=self.purpose)


def encrypted_fields() -> list[EncryptedTextField]:
    """Every encrypted column of every installed model (what ``hujin keys rotate`` walks)."""
    from django.apps import apps

    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
