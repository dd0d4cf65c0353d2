"""AES-256-GCM personal-data encryption with key ids, and blind indexes (hujin.core.crypto)."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from hujin.core.crypto import DecryptionFailed, KeyRing, key_id_of, parse_data_keys

# Fixed keys: xdist workers must collect the same parametrized test names.
KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()
INDEX = bytes(range(64, 96))


def ring(spec: str) -> KeyRing:
    keys = parse_data_keys(spec)
    return KeyRing(keys=keys, active_id=next(iter(keys)), index_key=INDEX)


class TestEncryption:
    def test_round_trips_text_including_chinese(self):
        keys = ring(f"a:{KEY_A}")
        token = keys.encrypt("张三 13812345678", purpose="customers.person.name")
        assert keys.decrypt(token, purpose="customers.person.name") == "张三 13812345678"

    def test_the_ciphertext_names_its_key_and_hides_the_text(self):
        token = ring(f"a:{KEY_A}").encrypt("13812345678", purpose="p")
        assert token.startswith("v1:a:")
        assert key_id_of(token) == "a"
        assert "13812345678" not in token

    def test_the_same_text_encrypts_differently_each_time(self):
        keys = ring(f"a:{KEY_A}")
        assert keys.encrypt("x", purpose="p") != keys.encrypt("x", purpose="p")

    def test_a_ciphertext_moved_to_another_column_does_not_decrypt(self):
        keys = ring(f"a:{KEY_A}")
        token = keys.encrypt("110105194912310029", purpose="customers.person.document_number")
        with pytest.raises(DecryptionFailed, match="does not authenticate"):
            keys.decrypt(token, purpose="customers.person.name")

    def test_an_unknown_key_id_fails(self):
        token = ring(f"a:{KEY_A}").encrypt("x", purpose="p")
        with pytest.raises(DecryptionFailed, match="'a' is not configured"):
            ring(f"b:{KEY_B}").decrypt(token, purpose="p")

    def test_a_tampered_ciphertext_fails(self):
        keys = ring(f"a:{KEY_A}")
        prefix, key_id, body = keys.encrypt("13812345678", purpose="p").split(":")
        raw = bytearray(base64.b64decode(body))
        raw[15] ^= 0x01
        tampered = f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}"
        with pytest.raises(DecryptionFailed):
            keys.decrypt(tampered, purpose="p")

    @pytest.mark.parametrize("token", ["plain text", "v2:a:AAAA", "v1:a:not base64!"])
    def test_something_that_is_not_a_hujin_ciphertext_fails(self, token):
        with pytest.raises(DecryptionFailed):
            ring(f"a:{KEY_A}").decrypt(token, purpose="p")


class TestKeyRotationOrder:
    def test_the_first_key_encrypts_and_every_key_decrypts(self):
        old = ring(f"a:{KEY_A}")
        token_under_a = old.encrypt("x", purpose="p")
        rotated = ring(f"b:{KEY_B},a:{KEY_A}")
        assert rotated.active_id == "b"
        assert key_id_of(rotated.encrypt("x", purpose="p")) == "b"
        assert rotated.decrypt(token_under_a, purpose="p") == "x"

    def test_once_the_old_key_is_dropped_its_ciphertexts_are_unreadable(self):
        token_under_a = ring(f"a:{KEY_A}").encrypt("x", purpose="p")
        with pytest.raises(DecryptionFailed):
            ring(f"b:{KEY_B}").decrypt(token_under_a, purpose="p")


class TestParseDataKeys:
    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            ("", "lists no key"),
            ("nokey", "look like"),
            ("bad id!:" + KEY_A, "look like"),
            (f"a:{KEY_A},a:{KEY_B}", "twice"),
            ("a:c2hvcnQ=", "32 bytes"),
            ("a:not-base64", "not valid base64"),
        ],
    )
    def test_refuses_a_malformed_configuration(self, spec, message):
        with pytest.raises(ImproperlyConfigured, match=message):
            parse_data_keys(spec)

    def test_keeps_the_configured_order(self):
        assert list(parse_data_keys(f"b:{KEY_B}, a:{KEY_A}")) == ["b", "a"]


class TestBlindIndex:
    def test_is_stable_for_one_value_and_purpose(self):
        keys = ring(f"a:{KEY_A}")
        assert keys.blind_index("13812345678", purpose="mobile") == keys.blind_index(
            "13812345678", purpose="mobile"
        )

    def test_separates_purposes_and_values(self):
        keys = ring(f"a:{KEY_A}")
        mobile = keys.blind_index("13812345678", purpose="mobile")
        assert mobile != keys.blind_index("13812345678", purpose="document")
        assert mobile != keys.blind_index("13812345679", purpose="mobile")
        assert len(mobile) == 64 and "13812345678" not in mobile

    def test_does_not_change_when_data_keys_rotate(self):
        before = ring(f"a:{KEY_A}").blind_index("x", purpose="p")
        assert ring(f"b:{KEY_B},a:{KEY_A}").blind_index("x", purpose="p") == before
