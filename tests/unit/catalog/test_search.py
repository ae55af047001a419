"""Text search terms: word forms, field weights, stop words, the one-typo rule, query words."""

from services.catalog.domain.search import (
    CHARACTERISTIC,
    DESCRIPTION,
    MAX_WORDS,
    TITLE,
    QueryWord,
    index_product,
    parse_query,
    product_columns,
    spelling_variants,
    stem,
    vocabulary_rows,
    word_score,
)


def test_word_forms_of_russian_and_english_share_a_term():
    assert {stem(w) for w in ("кружка", "кружки", "кружками", "кружку")} == {"кружк"}
    assert {stem(w) for w in ("candle", "candles")} == {"candl"}
    assert stem("mugs") == stem("mug")
    assert stem("42") == "42"


def test_a_product_is_indexed_by_field_with_weights_that_add_up():
    index = index_product(
        "Кружка с лисой", "Лиса нарисована вручную. " + "Глазурь. " * 300 + "Кружка в подарок.",
        {"material": ["Керамика"], "color": ["Рыжий"]},
    )

    assert index.terms["кружк"] == TITLE + DESCRIPTION  # the end of a long description counts
    assert index.terms["лис"] == TITLE + DESCRIPTION
    assert index.terms["керамик"] == CHARACTERISTIC
    assert index.terms["глазур"] == DESCRIPTION
    assert "с" not in index.terms and "в" not in index.terms  # stop words
    assert index.words["кружка"] == "кружк"
    columns = product_columns(index)
    assert columns["search_title"] == ["кружк", "лис"]
    assert columns["search_characteristics"] == ["керамик", "рыж"]
    assert set(columns["search_terms"]) == set(index.terms)


def test_yo_is_read_as_ye_and_case_is_folded():
    assert index_product("Мыло с МЁДОМ", "", {}).terms == index_product("мыло с медом", "", {}).terms


def test_two_words_are_one_typo_apart_when_their_one_letter_deletions_meet():
    def one_typo(a, b):
        return bool(spelling_variants(a) & spelling_variants(b))

    assert one_typo("lavendar", "lavender")  # changed
    assert one_typo("blanket", "blankets")  # added
    assert one_typo("sketchbok", "sketchbook")  # left out
    assert one_typo("рукзак", "рюкзак")  # changed
    assert one_typo("candel", "candle")  # swapped
    assert not one_typo("рукзок", "рюкзак")  # two changes
    assert not one_typo("lavender", "lvaendre")
    assert spelling_variants("owl") == set()  # too short to stand for anything


def test_the_spelling_index_leads_both_the_word_and_its_stem_to_the_term():
    rows = vocabulary_rows({"candles": "candl"})

    assert ("candles", "candl") in rows and ("candl", "candl") in rows
    assert ("candle", "candl") in rows  # "candles" less its s
    assert {term for _, term in rows} == {"candl"}


def test_a_query_is_stemmed_without_stop_words_and_long_words_may_be_misspelt():
    words = parse_query("Свеча с ЛАВАНДОЙ и мёдом, mug")

    assert [w.term for w in words] == ["свеч", "лаванд", "мед", "mug"]
    assert all(w.variants for w in words[:3])  # five letters or more
    assert words[3].variants == ()
    assert parse_query("mug mugs MUG") == [QueryWord("mug")]
    assert parse_query("  ,; ") == []
    assert [w.term for w in parse_query("с и")] == ["с", "и"]  # stop words alone are kept
    assert len(parse_query(" ".join(f"w{n}" for n in range(20)))) == MAX_WORDS


def test_a_title_match_outranks_any_other_and_an_exact_word_a_typo():
    assert word_score(TITLE, exact=False) > word_score(CHARACTERISTIC + DESCRIPTION, exact=True)
    assert word_score(CHARACTERISTIC, exact=True) > word_score(DESCRIPTION, exact=True)
    assert word_score(TITLE, exact=True) > word_score(TITLE, exact=False)
