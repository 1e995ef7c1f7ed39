"""AES-GCM tokens and blind indexes (anju/privacy/crypto.py)."""

from __future__ import annotations

import base64

import pytest

from anju.privacy import crypto
from anju.privacy.crypto import DecryptionError
from anju.privacy.keys import Keyring

KEY1 = b"1" * 32
KEY2 = b"2" * 32
RING = Keyring(keys={"k1": KEY1}, current_id="k1", index_key=b"i" * 32, source="test")
BOTH = Keyring(keys={"k2": KEY2, "k1": KEY1}, current_id="k2", index_key=b"i" * 32, source="test")


def test_a_value_round_trips_and_the_token_names_version_and_key():
    token = crypto.encrypt("张建国 13800000001", "estates.resident.name", ring=RING)
    assert token.startswith("v1:k1:")
    assert "张建国" not in token and "13800000001" not in token
    assert crypto.decrypt(token, "estates.resident.name", ring=RING) == "张建国 13800000001"


def test_each_encryption_uses_a_fresh_nonce():
    tokens = {crypto.encrypt("13800000001", "p", ring=RING) for _ in range(20)}
    assert len(tokens) == 20
    nonces = {base64.urlsafe_b64decode(t.split(":")[2] + "==")[:12] for t in tokens}
    assert len(nonces) == 20


def _flip(token: str, position: int) -> str:
    head, data = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    raw[position] ^= 1
    return head + ":" + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize("position", [0, 12, -1])  # nonce, ciphertext, tag
def test_a_tampered_token_is_refused(position):
    token = crypto.encrypt("13800000001", "p", ring=RING)
    with pytest.raises(DecryptionError, match="authentication failed"):
        crypto.decrypt(_flip(token, position), "p", ring=RING)


def test_a_token_of_an_unknown_key_is_refused_with_the_key_named():
    token = crypto.encrypt("13800000001", "estates.resident.phone", ring=BOTH)
    with pytest.raises(DecryptionError, match="key 'k2', which is not in the keyring") as info:
        crypto.decrypt(token, "estates.resident.phone", ring=RING)
    assert "13800000001" not in str(info.value)


def test_a_token_relabelled_with_another_key_id_does_not_decrypt():
    token = crypto.encrypt("13800000001", "p", ring=BOTH)
    with pytest.raises(DecryptionError, match="authentication failed"):
        crypto.decrypt(token.replace("v1:k2:", "v1:k1:"), "p", ring=BOTH)


def test_a_token_moved_to_another_column_does_not_decrypt():
    token = crypto.encrypt("13800000001", "complaints.complaint.contact_phone", ring=RING)
    with pytest.raises(DecryptionError):
        crypto.decrypt(token, "estates.resident.name", ring=RING)


@pytest.mark.parametrize("value", ["13800000001", "v2:k1:abc", "v1:k1:", "v1:k1:!!!", "v1:k1:YWJj"])
def test_plaintext_or_a_damaged_token_is_an_error_never_passed_through(value):
    with pytest.raises(DecryptionError):
        crypto.decrypt(value, "p", ring=RING)


def test_blind_index_normalises_phone_numbers():
    same = {crypto.blind_index(v, "phone", ring=RING)
            for v in ("13800000001", "138 0000 0001", "+86 138-0000-0001", "0086(138)00000001")}
    assert len(same) == 1
    digest = same.pop()
    assert len(digest) == 64 and "13800000001" not in digest
    assert digest != crypto.blind_index("13800000002", "phone", ring=RING)
    assert digest != crypto.blind_index("13800000001", "id_number", ring=RING)


def test_blind_index_depends_on_the_index_key_and_is_blank_for_blank_input():
    other = Keyring(keys={"k1": KEY1}, current_id="k1", index_key=b"j" * 32, source="test")
    assert (crypto.blind_index("13800000001", "phone", ring=RING)
            != crypto.blind_index("13800000001", "phone", ring=other))
    assert crypto.blind_index("  ", "phone", ring=RING) == ""
    assert (crypto.blind_index("11010519491231002x", "id_number", ring=RING)
            == crypto.blind_index("110105 19491231 002X", "id_number", ring=RING))
