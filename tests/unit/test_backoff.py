from faultline.backoff import backoff_delay


def test_backoff_doubles_up_to_the_cap():
    assert [backoff_delay(a, base=1, cap=10) for a in range(6)] == [0, 1, 2, 4, 8, 10]


def test_backoff_jitter_stays_within_its_fraction():
    assert backoff_delay(3, base=1, cap=60, jitter=0.25, rand=0.0) == 3.0
    assert backoff_delay(3, base=1, cap=60, jitter=0.25, rand=0.999) < 5.0
    assert backoff_delay(3, base=1, cap=60, jitter=0.25, rand=0.5) == 4.0


def test_huge_attempts_stay_at_the_cap():
    assert backoff_delay(10_000, base=1, cap=30) == 30.0
