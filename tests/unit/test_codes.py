from readiness.checks.codes import (
    ALPHABET,
    code_candidates,
    display_code,
    new_code,
    new_token,
    normalize_code,
    token_hash,
)


def test_reference_codes_avoid_characters_that_sound_or_look_alike():
    for confusable in "0O1IL":
        assert confusable not in ALPHABET
    codes = {new_code() for _ in range(500)}
    assert all(len(code) == 6 and set(code) <= set(ALPHABET) for code in codes)
    assert len(codes) > 490


def test_code_is_shown_in_two_groups_for_reading_aloud():
    assert display_code("K7P4QX") == "K7P-4QX"


def test_typed_code_is_forgiving_about_case_spaces_and_dashes():
    assert normalize_code(" k7p-4qx ") == "K7P4QX"
    assert normalize_code("k7p 4qx") == "K7P4QX"
    assert normalize_code("K7P4Q") is None
    assert normalize_code("K7P-4Q0") is None
    assert normalize_code("") is None


def test_invitation_tokens_are_long_random_and_stored_as_hashes():
    token = new_token()
    assert len(token) >= 43
    assert token != new_token()
    assert len(token_hash(token)) == 64
    assert token not in token_hash(token)


def test_desk_search_takes_the_code_as_typed_in_any_case_and_without_its_dash():
    assert code_candidates("k7p4qx") == ["K7P4QX"]
    assert code_candidates(" K7P - 4QX ") == ["K7P4QX"]


def test_desk_search_reads_a_round_o_or_zero_as_the_codes_q_or_d():
    assert code_candidates("K7P-4OX") == ["K7P4QX", "K7P4DX"]
    assert code_candidates("K7P-40X") == ["K7P4QX", "K7P4DX"]


def test_desk_search_reads_a_one_i_or_l_as_the_codes_seven_j_or_t():
    for typed in ("1", "i", "L"):
        assert code_candidates(f"K{typed}P4QX") == ["K7P4QX", "KJP4QX", "KTP4QX"]


def test_desk_search_gives_nothing_for_what_cannot_be_a_code():
    assert code_candidates("K7P4Q") == []
    assert code_candidates("K7P4Q!") == []
    assert code_candidates("") == []
    assert code_candidates("OOOO00") == []  # too many guesses to be a reading of one code
    assert all(set(code) <= set(ALPHABET) for code in code_candidates("O1LK7P"))
