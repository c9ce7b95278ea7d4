"""Near-duplicate detection: copies of one story share an id; different stories do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from faultline.alerting.config import StorySettings
from faultline.stories import StoryIndex, new_story_id, similarity, sketch, words

T0 = datetime(2026, 2, 21, 6, 0, tzinfo=UTC)
SETTINGS = StorySettings()

STORY = (
    "A drone strike before dawn on Friday killed a senior commander of an armed group in the river district "
    "south of the capital, officials said, in an operation confirmed within three hours by the command. "
    "The government convened an emergency session and described the strike as a violation of sovereignty, "
    "while the group's allies warned of consequences and called for the departure of foreign forces. "
    "Analysts said the attack complicates negotiations over the future of the troops stationed in the country."
)
OTHER = (
    "The central bank left its main interest rate unchanged on Thursday and said inflation was easing faster "
    "than expected, while warning that the labour market remained tight and wage growth could keep prices "
    "elevated into next year; markets had priced in a small chance of a cut before the summer recess."
)


def _index(**overrides) -> tuple[StoryIndex, dict]:
    store: dict = {}
    return StoryIndex(store, SETTINGS.model_copy(update=overrides)), store


def test_words_fold_case_and_accents():
    assert words("Ça VA, Jurf al-Sakhar!") == ["ca", "va", "jurf", "al", "sakhar"]


def test_sketch_is_deterministic_sorted_and_bounded():
    a, b = sketch(STORY, SETTINGS), sketch(STORY, SETTINGS)
    assert a == b and list(a) == sorted(a) and len(a) == SETTINGS.sketch_size
    assert sketch("", SETTINGS) == ()


def test_similarity_separates_copies_from_other_stories():
    k = SETTINGS.sketch_size
    base = sketch(STORY, SETTINGS)
    edited = sketch(STORY.replace("Friday", "Saturday") + " Reporting by a correspondent.", SETTINGS)
    assert similarity(base, base, k) == 1.0
    assert similarity(base, edited, k) >= SETTINGS.min_similarity
    assert similarity(base, sketch(OTHER, SETTINGS), k) < 0.1


def test_three_outlets_one_story():
    index, _ = _index()
    first = index.assign("a1", "Strike kills commander", STORY, T0)
    second = index.assign("a2", "Drone strike kills militia commander", STORY, T0 + timedelta(minutes=20))
    third = index.assign("a3", "STRIKE KILLS COMMANDER", STORY.replace("officials said", "sources said"),
                         T0 + timedelta(hours=2))
    assert first.new and first.story_id == new_story_id("a1")
    assert not second.new and not third.new
    assert {first.story_id, second.story_id, third.story_id} == {first.story_id}
    assert 0.6 <= third.similarity <= 1.0


def test_a_different_story_gets_its_own_id():
    index, _ = _index()
    a = index.assign("a1", "Strike", STORY, T0)
    b = index.assign("b1", "Rates", OTHER, T0)
    assert a.story_id != b.story_id and b.new


def test_a_copy_past_the_horizon_starts_a_new_story():
    index, _ = _index()
    a = index.assign("a1", "Strike", STORY, T0)
    late = index.assign("a2", "Strike", STORY, T0 + SETTINGS.horizon + timedelta(hours=1))
    assert late.new and late.story_id != a.story_id


def test_a_replayed_article_keeps_its_story_and_a_copy_writes_nothing():
    index, store = _index()
    a = index.assign("a1", "Strike", STORY, T0)
    before = dict(store)
    copy = index.assign("a2", "Strike", STORY, T0)
    again = index.assign("a1", "Strike", STORY, T0 + timedelta(hours=5))
    assert copy.story_id == again.story_id == a.story_id and not again.new and again.similarity == 1.0
    assert store == before and len(store) == 1  # one record per story, written once


def test_short_texts_never_merge_and_are_not_stored():
    index, store = _index()
    a = index.assign("a1", "Breaking", "news", T0)
    b = index.assign("a2", "Breaking", "news", T0)
    assert a.new and b.new and a.story_id != b.story_id and store == {}


def test_a_rebuilt_index_finds_the_stories_of_a_recovered_store():
    index, store = _index()
    a = index.assign("a1", "Strike", STORY, T0)
    recovered = StoryIndex(dict(store), SETTINGS)  # a restarted worker: the table came back, the lookup did not
    assert recovered.assign("a2", "Strike", STORY, T0).story_id == a.story_id


def test_stories_past_the_horizon_leave_the_store():
    index, store = _index()
    a = index.assign("a1", "Strike", STORY, T0)
    later = index.assign("a2", "Strike", STORY, T0 + SETTINGS.horizon + timedelta(hours=1))
    assert later.new and f"s:{a.story_id}" not in store and f"s:{later.story_id}" in store


def test_assignment_depends_only_on_the_order_of_arrivals():
    def run() -> list[str]:
        index, _ = _index()
        return [index.assign(i, "t", text, T0).story_id
                for i, text in [("a1", STORY), ("b1", OTHER), ("a2", STORY), ("b2", OTHER + " Update.")]]

    first, second = run(), run()
    assert first == second and first[0] == first[2] and first[1] == first[3] and first[0] != first[1]


def test_store_values_are_replaced_not_mutated():
    index, store = _index()
    index.assign("a1", "t", STORY, T0)
    snapshot = {k: (list(v) if isinstance(v, list) else v) for k, v in store.items()}
    held = {k: v for k, v in store.items()}
    index.assign("a2", "t", STORY, T0)
    for key, value in held.items():
        assert value == snapshot[key], f"{key} was mutated in place"


def _jaccard_of_bottom_k(a, b, k: int) -> float:
    """The estimate by its definition: the share of the union's k smallest hashes found in both sketches."""
    union_bottom = sorted(set(a) | set(b))[:k]
    return sum(1 for h in union_bottom if h in a and h in b) / len(union_bottom)


def test_similarity_is_the_bottom_k_estimate_on_sketches_of_any_overlap():
    import random

    rnd = random.Random(7)
    for _ in range(500):
        pool = [rnd.randrange(-(2**63), 2**63) for _ in range(rnd.randrange(2, 160))]
        k = rnd.choice([8, 16, 64])
        a = sorted(set(rnd.sample(pool, rnd.randrange(1, len(pool)))))[: rnd.choice([k, 2 * k])]
        b = sorted(set(rnd.sample(pool, rnd.randrange(1, len(pool)))))[: rnd.choice([k, 2 * k])]
        assert similarity(a, b, k) == _jaccard_of_bottom_k(a, b, k)


def test_copies_join_exactly_when_their_estimate_reaches_the_floor():
    words_ = STORY.split()
    base = sketch("Strike\n" + STORY, SETTINGS)
    joined = []
    for kept in range(len(words_), 0, -4):  # ever less of the story kept, the rest replaced
        index, _ = _index()
        founder = index.assign("a1", "Strike", STORY, T0)
        edited = " ".join(words_[:kept] + [f"w{i}" for i in range(len(words_) - kept)])
        score = similarity(base, sketch("Strike\n" + edited, SETTINGS), SETTINGS.sketch_size)
        same = index.assign("a2", "Strike", edited, T0).story_id == founder.story_id
        assert same == (score >= SETTINGS.min_similarity), (kept, score)
        joined.append(same)
    assert True in joined and False in joined


def test_stories_nobody_compares_again_still_leave_the_store():
    """An unrelated article, two horizons later, is never compared with the old story; the store still
    sheds it, so a long-running worker's table stays as small as the recent news."""
    index, store = _index()
    old = index.assign("a1", "Strike", STORY, T0)
    index.assign("b1", "Rates", OTHER, T0 + SETTINGS.horizon)
    assert f"s:{old.story_id}" in store  # within two horizons of the newest article: kept
    index.assign("b2", "Rates", OTHER + " Markets", T0 + 2 * SETTINGS.horizon + timedelta(hours=1))
    assert f"s:{old.story_id}" not in store
    assert [k for k in store if k.startswith("s:")] != []


def test_expiry_survives_a_rebuild_and_a_story_founded_again():
    index, store = _index()
    h = SETTINGS.horizon
    first = index.assign("a1", "Strike", STORY, T0)
    refounded_at = T0 + h + timedelta(hours=1)  # replayed past the horizon: founds its story again, same id
    again = index.assign("a1", "Strike", STORY, refounded_at)
    assert again.story_id == first.story_id and again.new
    index.assign("b1", "Rates", OTHER, T0 + 2 * h + timedelta(hours=2))  # the first founding is now expired
    assert store[f"s:{first.story_id}"][0] == refounded_at.timestamp()  # the newer record stays
    recovered = StoryIndex(dict(store), SETTINGS)
    recovered.assign("b2", "Rates", OTHER + " Markets", refounded_at + 2 * h + timedelta(hours=1))
    assert f"s:{first.story_id}" not in recovered.store
