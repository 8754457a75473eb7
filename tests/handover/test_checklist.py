"""The handover's order as a pure function: each step needs the one before, the next step is
the first not done, and defects are added between the inspection and the signature."""

from hypothesis import given
from hypothesis import strategies as st

from handover.checklist import (
    STEPS,
    Progress,
    may_add_defects,
    missing_before,
    next_step,
    steps,
)


def test_a_fresh_handover_starts_with_the_qualification():
    assert next_step(Progress()) == "qualification"
    assert [s.current for s in steps(Progress())] == [True, False, False, False]


def test_each_step_needs_the_one_before():
    assert missing_before("qualification", Progress()) is None  # needs the certificate instead
    assert missing_before("inspection", Progress()) == "qualification"
    assert missing_before("confirmation", Progress(qualified=True)) == "inspection"
    assert missing_before("keys", Progress(qualified=True, inspected=True)) == "confirmation"
    assert missing_before("keys", Progress(True, True, True)) is None


def test_defects_only_between_inspection_and_signature():
    assert not may_add_defects(Progress(qualified=True))
    assert may_add_defects(Progress(qualified=True, inspected=True))
    assert not may_add_defects(Progress(True, True, True))


def test_a_handed_over_unit_has_nothing_next():
    done = Progress(True, True, True, True)
    assert next_step(done) is None
    assert all(s.done and not s.current for s in steps(done))


@given(st.lists(st.booleans(), min_size=4, max_size=4))
def test_at_most_one_step_is_current_and_it_is_the_first_not_done(flags):
    progress = Progress(*flags)
    listed = steps(progress)
    current = [s.name for s in listed if s.current]
    assert [s.name for s in listed] == list(STEPS)
    assert current == ([next_step(progress)] if next_step(progress) else [])
    assert all(not s.done for s in listed if s.current)
