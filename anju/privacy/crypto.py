"""AES-GCM encryption of personal data and keyed blind indexes for looking it up.

A value is stored as ``v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``: a fresh
96-bit random nonce per value; the associated data binds the format version, the key id
and a purpose label (``estates.resident.phone``), so a token copied into another column
or relabelled with another key id does not decrypt. Anything that does not decrypt
raises ``DecryptionError``: never is a stored value passed on as if it were plaintext.

A blind index is HMAC-SHA256 with the separate index key over the normalised value
(``normalisers``) and its purpose: equal inputs give equal digests, so an indexed
column answers "who has this phone number?" without revealing the number.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anju.privacy import normalisers
from anju.privacy.keys import Keyring, keyring

VERSION = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value cannot be decrypted. The message never contains the value."""


def _aad(key_id: str, purpose: str) -> bytes:
    return f"anju:{VERSION}:{key_id}:{purpose}".encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encrypt(plaintext: str, purpose: str = "", *, ring: Keyring | None = None) -> str:
    """Encrypt ``plaintext`` with the current key; returns the text token."""
    ring = ring or keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(ring.current).encrypt(nonce, plaintext.encode(), _aad(ring.current_id, purpose))
    return f"{VERSION}:{ring.current_id}:{_b64(nonce + sealed)}"


def key_id_of(token: str) -> str | None:
    """The key id a token was encrypted with, or None if it is not a token."""
    version, sep, rest = token.partition(":")
    key_id, sep2, _data = rest.partition(":")
    return key_id if version == VERSION and sep and sep2 and key_id else None


def is_token(value: object) -> bool:
    return isinstance(value, str) and key_id_of(value) is not None


def decrypt(token: str, purpose: str = "", *, ring: Keyring | None = None) -> str:
    """The plaintext of ``token``; ``DecryptionError`` for an unknown key, altered data or
    a value that is not a token."""
    ring = ring or keyring()
    where = purpose or "a value"
    key_id = key_id_of(token)
    if key_id is None:
        raise DecryptionError(f"Cannot decrypt {where}: it is not an encrypted value "
                              f"(expected {VERSION}:<key id>:<data>).")
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(
            f"Cannot decrypt {where}: it was encrypted with key {key_id!r}, which is not in the "
            f"keyring ({ring.source}). Add that key (after the current one) and restart.")
    try:
        blob = _unb64(token.split(":", 2)[2])
    except (binascii.Error, ValueError):
        raise DecryptionError(f"Cannot decrypt {where}: the stored data is damaged.") from None
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError(f"Cannot decrypt {where}: the stored data is damaged.")
    try:
        plain = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(key_id, purpose))
    except InvalidTag:
        raise DecryptionError(
            f"Cannot decrypt {where}: authentication failed with key {key_id!r}. The stored data "
            f"was altered, or key {key_id!r} is not the key it was encrypted with.") from None
    return plain.decode()


def blind_index(value: str, purpose: str, *, ring: Keyring | None = None) -> str:
    """Hex HMAC-SHA256 of the normalised ``value`` for ``purpose``; "" for a blank value."""
    normalised = normalisers.normalise(purpose, value)
    if not normalised:
        return ""
    ring = ring or keyring()
    message = f"{purpose}\x00{normalised}".encode()
    return hmac.new(ring.index_key, message, hashlib.sha256).hexdigest()
