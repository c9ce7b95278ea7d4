"""Event extraction: types and modes, modality flags, voice, attribution, time, casualties."""

from __future__ import annotations

from datetime import UTC, datetime

from tagging_helpers import events_of, one_event


def test_trigger_gives_type_mode_and_plover_weight(tagger):
    event = one_event(
        tagger.tag("A US drone strike killed two Kataib Hezbollah fighters in Jurf al-Sakhar."), "ASSAULT"
    )
    assert event.mode == "Drone"
    assert event.weight == -9.5
    assert event.rule.startswith("ASSAULT:Drone/")


def test_active_voice_source_and_target(tagger):
    event = one_event(tagger.tag("US forces attacked Kataib Hezbollah near Baghdad on Tuesday."), "ASSAULT")
    assert (event.source, event.target) == ("United States Armed Forces", "Kataib Hezbollah")
    assert (event.source_id, event.target_id) == ("usa.military", "kataib_hezbollah")


def test_passive_voice_swaps_roles(tagger):
    event = one_event(
        tagger.tag("Kataib Hezbollah fighters were attacked by US forces on Tuesday."), "ASSAULT"
    )
    assert (event.source, event.target) == ("United States Armed Forces", "Kataib Hezbollah")


def test_noun_trigger_roles_from_modifier_and_preposition(tagger):
    event = one_event(
        tagger.tag("An Israeli airstrike on Hamas positions was reported overnight."), "ASSAULT"
    )
    assert (event.source, event.target, event.mode) == ("Israel", "Hamas", "Aerial")


def test_negation_flags_the_event(tagger):
    result = tagger.tag("No attacks on American personnel had been reported as of Friday evening.")
    assert events_of(result, "ASSAULT", negated=True)
    assert not events_of(result, "ASSAULT", negated=False)


def test_negated_casualties_count_zero(tagger):
    result = tagger.tag("Turkish jets bombed the area, with no civilian casualties.")
    assert all(e.negated for e in result.events if e.evidence.text == "casualties")


def test_denial_negates_what_follows(tagger):
    result = tagger.tag("Hamas denied carrying out the attack on the crossing.")
    assert not events_of(result, "ASSAULT", negated=False)


def test_threat_to_act_is_threaten_not_assault(tagger):
    event = one_event(tagger.tag("Kataib Hezbollah threatened to attack US forces in Iraq."), "THREATEN")
    assert event.mode == "Violence"
    assert not events_of(tagger.tag("Kataib Hezbollah threatened to attack US forces in Iraq."), "ASSAULT")


def test_announced_conflict_act_is_a_threat(tagger):
    event = one_event(tagger.tag("Iran said it would close the border crossing with Iraq."), "THREATEN")
    assert event.source == "Iran"


def test_announced_cooperation_is_agree(tagger):
    assert one_event(tagger.tag("Iraq said it will support the plan."), "AGREE").source == "Iraq"


def test_refused_cooperation_is_reject(tagger):
    event = one_event(tagger.tag("Iran refused to release the prisoners."), "REJECT")
    assert event.mode == "Yield"


def test_governed_content_sets_the_mode(tagger):
    event = one_event(tagger.tag("The PMF demanded the withdrawal of US forces from Iraq."), "REQUEST")
    assert event.mode == "Yield"
    assert not events_of(tagger.tag("The PMF demanded the withdrawal of US forces from Iraq."), "RETREAT")


def test_compound_verb_with_object(tagger):
    result = tagger.tag("Iraq expelled two Iranian diplomats on Sunday.")
    assert one_event(result, "SANCTION").mode == "Expel"


def test_compound_object_across_words(tagger):
    assert (
        one_event(tagger.tag("Israel lifted on Friday a day-old blockade on the town."), "RETREAT").mode
        == "Withdraw"
    )


def test_summoning_an_envoy_is_disapproval(tagger):
    event = one_event(
        tagger.tag("Iraq summoned the American charge d'affaires to deliver a formal protest."), "ACCUSE"
    )
    assert (event.mode, event.source, event.target) == ("Disapprove", "Iraq", "United States")


def test_force_protection_is_mobilize_troops(tagger):
    result = tagger.tag(
        "American forces at the Ain al-Asad air base elevated their force protection posture."
    )
    event = one_event(result, "MOBILIZE")
    assert (event.mode, event.place) == ("Troops", "Ain al-Asad Air Base")


def test_hypothetical_condition_is_flagged(tagger):
    result = tagger.tag("If Israeli forces attacked, Hamas fighters would resist.")
    assert all(e.hypothetical for e in events_of(result, "ASSAULT"))


def test_historical_by_time_expression(tagger):
    result = tagger.tag("The group was behind an attack in November that wounded four American soldiers.")
    assert events_of(result, "ASSAULT") and all(e.historical for e in events_of(result, "ASSAULT"))


def test_old_year_is_historical_relative_to_publication(tagger):
    published = datetime(2025, 2, 21, tzinfo=UTC)
    result = tagger.tag("US forces killed the commander in January 2020.", published=published)
    assert all(e.historical for e in events_of(result, "ASSAULT"))


def test_attribution_is_recorded(tagger):
    event = one_event(
        tagger.tag("Israeli warplanes struck a Hamas post, according to Palestinian security sources."),
        "ASSAULT",
    )
    assert event.attributed_to
    assert event.source == "Israel"


def test_reported_speech_speaker_is_source_of_a_demand(tagger):
    event = one_event(
        tagger.tag("Iraq said on Tuesday that Iran must release the detained fishermen."), "REQUEST"
    )
    assert (event.source, event.target) == ("Iraq", "Iran")


def test_casualty_counts(tagger):
    event = one_event(
        tagger.tag("Gunmen killed 12 people and wounded at least 30 others in Baghdad."), "ASSAULT"
    )
    assert (event.dead, event.injured) == (12, 30)


def test_article_counts_one(tagger):
    assert (
        one_event(tagger.tag("A US strike killed a senior commander of Kataib Hezbollah."), "ASSAULT").dead
        == 1
    )


def test_accident_words_are_no_attack(tagger):
    assert not events_of(tagger.tag("Five people were killed in a road accident near Baghdad."), "ASSAULT")


def test_no_event_phrases(tagger):
    assert not tagger.tag("He suffered a heart attack after the price war ended.").events


def test_hyphenated_modifier_is_no_event(tagger):
    assert not events_of(tagger.tag("The Iran-backed group held a rally."), "SUPPORT")


def test_definite_reference_does_not_repeat_an_event(tagger):
    text = "A US drone strike killed a commander in Iraq. Iraq condemned the strike on Friday."
    assert len(events_of(tagger.tag(text), "ASSAULT")) == 1


def test_anaphoric_target_is_the_main_event_source(tagger):
    text = (
        "A US drone strike killed a commander in Iraq. The Iraqi government condemned the strike on Friday."
    )
    event = one_event(tagger.tag(text), "ACCUSE")
    assert (event.source, event.target) == ("Government of Iraq", "United States")


def test_pronoun_subject_takes_the_previous_subject(tagger):
    text = "Sudani spoke. Mohammed Shia' al-Sudani convened the cabinet. His government condemned the attack on Israel."
    event = one_event(tagger.tag(text), "ACCUSE")
    assert event.source == "Mohammed Shia' al-Sudani"


def test_protest_clash_is_a_riot(tagger):
    result = tagger.tag("Protesters clashed with police in central Baghdad.")
    assert events_of(result, "PROTEST") and not events_of(result, "ASSAULT", negated=False)


def test_events_only_in_english(tagger):
    result = tagger.tag("US forces attacked Kataib Hezbollah.", language="ar")
    assert not result.events and result.actors
