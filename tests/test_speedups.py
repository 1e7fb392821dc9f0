"""Faster ways to the same results: each speed-up is checked against the plain way it replaced."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.formats.labels import _FOLD_MAP, FOLD, fold

_FOLDED = "".join(chr(k) for k in _FOLD_MAP)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_FOLDED + "abc 12,.。、，（）政府信息公开申请\n\t"), max_size=300) | st.text(max_size=300))
def test_fold_is_translate(text):
    assert fold(text) == text.translate(FOLD)
