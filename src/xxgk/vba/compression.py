"""[MS-OVBA] 2.4.1 compression: the LZ77 variant every VBA source stream uses.

A compressed container is a signature byte 0x01 followed by chunks; each
chunk holds up to 4096 decompressed bytes behind a 2-byte header. Inside a
chunk, a flag byte says which of the next eight tokens are literal bytes and
which are 2-byte copy tokens (offset, length) back into the same chunk.

Any valid token sequence decompresses correctly, so the match finder here is a
plain hash chain: deterministic, fast enough for modules of a few 100 KB, and
not byte-identical to what Office itself would write (nothing requires that).
"""
from __future__ import annotations

CHUNK_SIZE = 4096
SIGNATURE = 0x01
# Header bits 12-14 are always 0b011 (2.4.1.1.5).
_CHUNK_SIGNATURE = 0x3000
_MIN_MATCH = 3
# How many earlier positions with the same 3-byte prefix are tried per token:
# bounds the work on long runs while still finding the long repeats of source text.
_MAX_CANDIDATES = 64


class DecompressionError(ValueError):
    """The bytes are not a valid [MS-OVBA] compressed container."""


def _bit_count(decompressed_in_chunk: int) -> int:
    """Offset bits of a copy token at this position in the chunk (2.4.1.3.19.1)."""
    return max((decompressed_in_chunk - 1).bit_length(), 4)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an [MS-OVBA] CompressedContainer."""
    out = bytearray([SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data[start:start + CHUNK_SIZE])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = _token_sequences(chunk)
    if len(body) <= CHUNK_SIZE:
        header = 0x8000 | _CHUNK_SIGNATURE | (len(body) + 2 - 3)
        return header.to_bytes(2, "little") + body
    # Compression would grow the chunk past its limit: store it raw. A raw chunk
    # is always 4096 bytes, so a short final chunk is padded with zeros (2.4.1.3.10).
    header = _CHUNK_SIGNATURE | (CHUNK_SIZE + 2 - 3)
    return header.to_bytes(2, "little") + chunk.ljust(CHUNK_SIZE, b"\x00")


def _token_sequences(chunk: bytes) -> bytes:
    body = bytearray()
    earlier: dict[bytes, list[int]] = {}
    pos, end = 0, len(chunk)
    while pos < end:
        flag_index = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            length, offset = _longest_match(chunk, pos, earlier)
            if length:
                bits = _bit_count(pos)
                token = ((offset - 1) << (16 - bits)) | (length - _MIN_MATCH)
                body += token.to_bytes(2, "little")
                flags |= 1 << bit
            else:
                length = 1
                body.append(chunk[pos])
            for covered in range(pos, pos + length):
                earlier.setdefault(chunk[covered:covered + _MIN_MATCH], []).append(covered)
            pos += length
        body[flag_index] = flags
    return bytes(body)


def _longest_match(chunk: bytes, pos: int, earlier: dict[bytes, list[int]]) -> tuple[int, int]:
    """(length, offset) of the longest earlier repeat at ``pos``, or (0, 0)."""
    candidates = earlier.get(chunk[pos:pos + _MIN_MATCH])
    if not candidates or pos + _MIN_MATCH > len(chunk):
        return 0, 0
    max_length = min((0xFFFF >> _bit_count(pos)) + _MIN_MATCH, len(chunk) - pos)
    best_length, best_start = 0, 0
    for start in reversed(candidates[-_MAX_CANDIDATES:]):
        length = _common_length(chunk, start, pos, max_length)
        if length > best_length:
            best_length, best_start = length, start
            if length == max_length:
                break
    if best_length < _MIN_MATCH:
        return 0, 0
    return best_length, pos - best_start


def _common_length(chunk: bytes, start: int, pos: int, limit: int) -> int:
    # Comparing against the original bytes is right even when the copy overlaps
    # itself (start + length > pos): the decompressor copies byte by byte.
    length = _MIN_MATCH
    step = 64
    while length < limit:
        span = min(step, limit - length)
        if chunk[start + length:start + length + span] == chunk[pos + length:pos + length + span]:
            length += span
            continue
        while length < limit and chunk[start + length] == chunk[pos + length]:
            length += 1
        break
    return length


def decompress(container: bytes) -> bytes:
    """Decompress an [MS-OVBA] CompressedContainer; raise DecompressionError if malformed."""
    if not container or container[0] != SIGNATURE:
        raise DecompressionError("missing signature byte 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise DecompressionError(f"truncated chunk header at byte {pos}")
        header = int.from_bytes(container[pos:pos + 2], "little")
        if header & 0x7000 != _CHUNK_SIGNATURE:
            raise DecompressionError(f"bad chunk signature at byte {pos}")
        chunk_end = min(pos + (header & 0x0FFF) + 3, len(container))
        pos += 2
        if header & 0x8000:
            out += _decompress_tokens(container, pos, chunk_end)
            pos = chunk_end
        else:
            if pos + CHUNK_SIZE > len(container):
                raise DecompressionError(f"truncated raw chunk at byte {pos}")
            out += container[pos:pos + CHUNK_SIZE]
            pos += CHUNK_SIZE
    return bytes(out)


def _decompress_tokens(container: bytes, pos: int, end: int) -> bytearray:
    chunk = bytearray()
    while pos < end:
        flags = container[pos]
        pos += 1
        for bit in range(8):
            if pos >= end:
                break
            if not flags & (1 << bit):
                chunk.append(container[pos])
                pos += 1
                continue
            if pos + 2 > end:
                raise DecompressionError(f"truncated copy token at byte {pos}")
            token = int.from_bytes(container[pos:pos + 2], "little")
            pos += 2
            bits = _bit_count(len(chunk))
            offset = (token >> (16 - bits)) + 1
            length = (token & (0xFFFF >> bits)) + _MIN_MATCH
            if offset > len(chunk):
                raise DecompressionError(f"copy token reaches before the chunk at byte {pos - 2}")
            if len(chunk) + length > CHUNK_SIZE:
                raise DecompressionError(f"chunk longer than {CHUNK_SIZE} bytes at byte {pos - 2}")
            for _ in range(length):
                chunk.append(chunk[-offset])
    return chunk
