"""[MS-OVBA] 2.4.1 compression: our compressor against our decompressor and oletools'."""
from __future__ import annotations

import random

import pytest
from oletools.olevba import decompress_stream

from xxgk.vba import compress, decompress, xlwings_module_source
from xxgk.vba.compression import DecompressionError

# Hand-made containers (decompressed text, compressed bytes), after the worked
# examples of [MS-OVBA] 3.2, not produced by our compressor; oletools' decompressor
# vouches for each before ours is judged against it.
SPEC_EXAMPLES = [
    (b"abcdefghijklmnopqrstuv.",
     "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F 70"
     " 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"),
    (b"a" * 73, "01 03 B0 02 61 45 00"),  # one literal, one copy token of length 72 at offset 1
]


def _random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _vba_like_text(size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    words = [b"Dim ", b"As String", b"End Sub\r\n", b"RunPython ", b"' ", b"If ", b"Then\r\n", b"x", b"\xd0\xa3"]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words)
    return bytes(out[:size])


# Sizes around the 4096-byte chunk boundary and the smallest cases.
SIZES = [0, 1, 2, 3, 4, 15, 16, 17, 255, 4095, 4096, 4097, 8191, 8192, 8193, 12289]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", ["text", "zeros", "period3", "random_full_chunks"])
def test_round_trip_against_ours_and_oletools(size, kind):
    if kind == "text":
        data = _vba_like_text(size, size)
    elif kind == "zeros":
        data = bytes(size)
    elif kind == "period3":
        data = (b"abc" * (size // 3 + 1))[:size]
    else:
        # Random bytes do not compress; whole chunks go in raw, and that round-trips exactly.
        data = _random_bytes(size - size % 4096, size)
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_incompressible_data_is_stored_in_raw_chunks():
    data = _random_bytes(3 * 4096, 7)
    packed = compress(data)
    # Signature, then three raw chunks: header 0x3FFF (size 4098, flag clear) and the bytes as they are.
    assert len(packed) == 1 + 3 * (2 + 4096)
    assert packed[1:3] == b"\xff\x3f"
    assert packed[3:3 + 4096] == data[:4096]


def test_incompressible_short_final_chunk_is_padded_as_the_format_requires():
    # A final chunk of 4000 random bytes cannot be compressed into 4096 bytes, so
    # [MS-OVBA] 2.4.1.3.10 stores it raw, padded to 4096 with zeros; any reader sees the padding.
    data = _random_bytes(4000, 3)
    packed = compress(data)
    padded = data + bytes(96)
    assert decompress(packed) == padded
    assert bytes(decompress_stream(bytearray(packed))) == padded


def test_short_random_final_chunk_stays_exact():
    data = _random_bytes(4096 + 3000, 5)  # 3000 + 375 flag bytes still fit in a compressed chunk
    assert decompress(compress(data)) == data


def test_empty_input_is_the_bare_signature():
    assert compress(b"") == b"\x01"
    assert decompress(b"\x01") == b""


def test_repetitive_text_compresses_well():
    source = xlwings_module_source().encode("ascii")
    packed = compress(source)
    assert len(packed) < len(source) / 2
    assert bytes(decompress_stream(bytearray(packed))) == source


def test_long_runs_use_maximum_length_copy_tokens():
    data = b"a" * 4096
    packed = compress(data)
    # 1 literal, then copy tokens whose length grows with the offset bit split; far fewer than 100 bytes.
    assert len(packed) < 100
    assert decompress(packed) == data


@pytest.mark.parametrize("plain, hex_bytes", SPEC_EXAMPLES)
def test_decompressor_reads_hand_made_containers(plain, hex_bytes):
    packed = bytes.fromhex(hex_bytes)
    assert bytes(decompress_stream(bytearray(packed))) == plain  # the examples are right
    assert decompress(packed) == plain


@pytest.mark.parametrize("plain, _hex", SPEC_EXAMPLES)
def test_compressor_round_trips_the_hand_made_examples(plain, _hex):
    assert bytes(decompress_stream(bytearray(compress(plain)))) == plain


@pytest.mark.parametrize("damaged", [
    b"",  # nothing at all
    b"\x00\x03\xb0",  # wrong signature byte
    b"\x01\x19",  # truncated chunk header
    b"\x01\x19\x80\x00a",  # header signature bits not 0b011
    b"\x01\x03\xb0\x01\x61\x45",  # copy token cut short
    b"\x01\x03\xb0\x01\x00\x70",  # copy token reaching before the chunk's first byte
    b"\x01\xff\x3f" + bytes(100),  # raw chunk shorter than 4096 bytes
])
def test_malformed_containers_are_rejected(damaged):
    with pytest.raises(DecompressionError):
        decompress(damaged)
