"""The vectorised MinHash is bit-identical to datasketch's own ``update_batch``."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.dedup.minhash import MinHasher, shingle_hash, shingle_hashes
from detector.dedup.shingles import normalize, shingles

_HASHER = MinHasher()

# Random Chinese text: CJK unified ideographs, some Traditional-only
# characters, ASCII letters and digits, punctuation, emoji, fullwidth forms.
_chinese = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_mixed = st.one_of(
    _chinese,
    st.sampled_from("網絡貸還協發展為這們"),
    st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    st.sampled_from("，。！？：；（）【】《》 \n\t"),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1F6FF),
    st.characters(),
)


def _datasketch(norm: str, num_perm: int = 128, seed: int = 1, k: int = 5) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=shingle_hash)  # scheme affine32 (default)
    assert m.scheme == "affine32"
    m.update_batch(shingles(norm, k))
    return m.hashvalues


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.one_of(_chinese, _mixed), max_size=400))
def test_fast_path_is_bit_identical_to_datasketch(text):
    norm = normalize(text)
    assert np.array_equal(_HASHER.signature(norm), _datasketch(norm))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=_chinese, min_size=0, max_size=60),
       st.integers(min_value=1, max_value=9), st.integers(min_value=0, max_value=2**31),
       st.sampled_from([16, 64, 128, 200]))
def test_identical_for_other_parameters(norm, k, seed, num_perm):
    hasher = MinHasher(num_perm=num_perm, seed=seed, k=k)
    assert np.array_equal(hasher.signature(norm), _datasketch(norm, num_perm, seed, k))


def test_long_text_spanning_several_blocks_is_identical():
    rng = np.random.default_rng(7)
    norm = "".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=7000))
    assert np.array_equal(_HASHER.signature(norm), _datasketch(norm))


def test_vector_hashes_equal_scalar_hash():
    norm = normalize("网络借贷平台逾期协商还款abc123😀")
    expected = [shingle_hash(s) for s in shingles(norm)]
    assert shingle_hashes(norm).tolist() == expected
    assert shingle_hash("网络借贷平".encode()) == shingle_hash("网络借贷平")


def test_empty_text_is_datasketch_empty_sketch():
    sig = _HASHER.signature("")
    assert np.array_equal(sig, MinHash(num_perm=128).hashvalues)
    assert _HASHER.to_datasketch(sig).is_empty()


def test_to_datasketch_round_trip_and_jaccard():
    a = normalize("今天我们讨论网络借贷平台逾期之后如何与客服协商还款" * 2)
    b = a[:-3] + "其他内容"
    sa, sb = _HASHER.signature(a), _HASHER.signature(b)
    ma, mb = _HASHER.to_datasketch(sa), _HASHER.to_datasketch(sb)
    assert np.array_equal(ma.hashvalues, sa)
    assert MinHasher.jaccard(sa, sb) == ma.jaccard(mb)
    assert 0.0 < MinHasher.jaccard(sa, sb) < 1.0
