"""Choosing the section headings: the chain of candidates with the most weight."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.extract.sections import Heading, _weight, accept_headings
from gongkai.formats.common import SECTIONS

TITLES = [s.title for s in SECTIONS] + ["依申请公开情况", "工作打算", "其他"]


def reference(candidates):
    """The plain quadratic form of the rule: each candidate may follow any earlier one whose
    number is one to three below its own; the heaviest chain wins, the earliest on a tie."""
    n = len(candidates)
    if not n:
        return []
    weights = [_weight(h) for _, h in candidates]
    best, prev = list(weights), [-1] * n
    for i, (_, h) in enumerate(candidates):
        for j in range(i):
            hj = candidates[j][1]
            if hj.number < h.number <= hj.number + 3 and best[j] + weights[i] > best[i]:
                best[i], prev[i] = best[j] + weights[i], j
    i = max(range(n), key=lambda k: (best[k], -k))
    chain = []
    while i != -1:
        chain.append(candidates[i])
        i = prev[i]
    chain.reverse()
    return [] if chain and chain[0][1].number > 3 else chain


headings = st.lists(st.tuples(st.integers(1, 9), st.sampled_from(TITLES), st.sampled_from(["chinese", "arabic"])),
                    max_size=40)


@settings(max_examples=300, deadline=None)
@given(headings)
def test_the_chain_is_the_one_the_plain_rule_gives(items):
    candidates = [(k, Heading(n, t, f"{n}、{t}", style)) for k, (n, t, style) in enumerate(items)]
    assert accept_headings(candidates) == reference(candidates)


def test_sixty_thousand_headings_give_one_chain_of_the_six_sections():
    titles = [s.title for s in SECTIONS if s.number <= 6]
    candidates = [(k, Heading(k % 6 + 1, titles[k % 6], "", "chinese")) for k in range(60_000)]
    chain = accept_headings(candidates)
    assert [h.number for _, h in chain] == [1, 2, 3, 4, 5, 6]
