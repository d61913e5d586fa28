"""Words → search tokens: one function for what is stored and what is asked."""

from pua.network.search_text import HOUSING, fold, query_terms, search_text, stems


def test_it_folds_case_and_accents():
    assert fold("Città, PERCHÉ, attività") == "citta, perche, attivita"


def test_it_drops_stopwords_and_keeps_each_stem_once():
    assert stems("Corsi di italiano per gli stranieri e corso serale") == ["cors", "ital", "stranier", "seral"]


def test_it_stores_tokens_with_a_space_on_both_sides():
    assert search_text("Scuola di italiano", "Italian school") == " scuol ital italian school "
    assert search_text("", "di per") == ""


def test_it_reads_a_query_as_the_stored_text_is_written():
    assert [sorted(term) for term in query_terms("Città")] == [["citt"]]
    assert search_text("città") == search_text("citta") == " citt "


def test_it_widens_a_need_to_the_words_used_for_it():
    alloggio, = query_terms("alloggio")
    casa, = query_terms("casa")

    assert alloggio == HOUSING
    assert casa == HOUSING | {"cas"}
    # "alloggio" does not look for every organisation called "Casa ...".
    assert "cas" not in alloggio


def test_it_keeps_at_most_eight_words_of_a_query():
    assert len(query_terms("uno due tre quattro cinque sei sette otto nove dieci undici")) == 8
