import pytest

from zonekit.errors import EncodingError
from zonekit.geo.encoding import cjk_share, decide_from_bytes, normalise_codec


def test_gbk_bytes_are_recognised():
    d = decide_from_bytes("苏州工业园区，南通经济技术开发区".encode("gbk"))
    assert d.encoding == "gb18030" and d.guessed


def test_utf8_bytes_are_recognised():
    assert decide_from_bytes("南通开发区".encode()).encoding == "utf-8"


def test_latin1_text_is_not_taken_for_chinese():
    with pytest.raises(EncodingError, match="--encoding"):
        decide_from_bytes("Café Müller, Zürich - señor".encode("latin-1"))


def test_mojibake_has_low_cjk_share():
    assert cjk_share("ËÕÖÝ¹¤ÒµÔ°Çø") < 0.5
    assert cjk_share("苏州工业园区（一期）") == 1.0


def test_codec_names():
    assert normalise_codec("936") == "gbk"
    assert normalise_codec("UTF-8") == "utf-8"
    with pytest.raises(EncodingError):
        normalise_codec("no-such-codec")
