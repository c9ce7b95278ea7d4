from faultline.supervision import ChildState, RestartPolicy


def test_a_child_that_keeps_dying_backs_off_and_a_stable_one_starts_afresh():
    policy = RestartPolicy(base=1, cap=30, stable_after=60)
    st = ChildState("worker", started_at=0.0)
    assert [policy.next_delay(st, now=1.0) for _ in range(4)] == [1, 2, 4, 8]
    st.started_at = 100.0
    assert policy.next_delay(st, now=200.0) == 1


def test_max_restarts_gives_up():
    policy = RestartPolicy(max_restarts=2)
    st = ChildState("indexer", started_at=0.0)
    assert policy.next_delay(st, 0.1) is not None
    assert policy.next_delay(st, 0.2) is not None
    assert policy.next_delay(st, 0.3) is None
