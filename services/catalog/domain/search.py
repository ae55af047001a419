"""Text search: which words a product is found by, and what a buyer's query asks for.

A product is indexed when it is written (created or changed), in Python, so PostgreSQL and SQLite
hold the same terms and answer a query alike:
- its title, every characteristic value and its whole description are cut into words (runs of
  letters and digits, case-folded, `ё` read as `е`), and each word is reduced to its stem by the
  Snowball stemmer of its alphabet (Russian for a word with Cyrillic letters, English otherwise),
  so "кружка", "кружки", "кружками" are one term, as are "candle" and "candles";
- each term has a weight naming the fields it occurs in: title 4, characteristics 2, description
  1, added up (a term of the title and the description weighs 5);
- the catalog also keeps a vocabulary of every word and term it has seen, each with its one-letter
  deletions (`spelling_variants`): the index that finds a misspelt word's neighbours.
Where they are kept: on PostgreSQL in arrays on the product (`product_columns`: all its terms,
under a GIN index, and the terms of each field), so a search reads the matching products' rows
as the other listings do; on SQLite, which has no inverted index, in a table of (term, product,
weight) read through its primary key.
Short words that carry no meaning for search (`STOP_WORDS`: "the", "with", "для", "и", ...) are
left out of the index and of a query (one of stop words alone finds nothing).

A query (`parse_query`) is cut and stemmed the same way; a product matches when it holds, for
every query word (at most `MAX_WORDS`), one of the word's candidate terms. A word's candidates are
its own term when that is a known term of some product; otherwise, for a word of five letters or
more, taken as misspelt once, they are the known terms one typo away: those whose word or stem
gives the same string as the query word (or its stem) when at most one letter is deleted from each
(one letter left out, added or changed, or two neighbouring letters swapped; the rule also admits
one letter moved). A correctly spelt word is never widened, so "plates" does not also find
"plate"'s neighbours.

Relevance (`word_score`): for each query word, the fields in which one of its candidates occurs,
weighed as above, doubled, less one for a misspelt word; summed over the words. So a title match
always comes first, then characteristics, then the description, and an exact match before a typo
in the same fields. Ties go by popularity (domain/listing.py).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

MAX_WORDS = 8  # words of a query that count; the rest are ignored
MAX_TERM = 60  # characters kept of a word (the index's column width)
TYPO_MIN_LETTERS = 5  # a query word this long may be misspelt once
VARIANT_MIN = 4  # shortest spelling variant kept: 5-letter words lose one letter at most

TITLE, CHARACTERISTIC, DESCRIPTION = 4, 2, 1

STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "of", "on", "or", "the", "this", "to", "with", "you", "your",
    "а", "в", "во", "да", "для", "же", "за", "и", "из", "или", "к", "ко", "как", "на", "не",
    "но", "о", "об", "от", "по", "при", "с", "со", "то", "у", "что", "это",
))

_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[а-я]")


@dataclass(frozen=True, slots=True)
class ProductIndex:
    terms: dict[str, int]  # term → weight (sum of the fields it occurs in)
    words: dict[str, str] = field(default_factory=dict)  # every word as written → its term


@dataclass(frozen=True, slots=True)
class QueryWord:
    term: str
    variants: tuple[str, ...] = ()  # spelling variants, when the word may be misspelt


def words_of(text: str) -> list[str]:
    """The words of a text, case-folded, `ё` read as `е`, each at most MAX_TERM characters."""
    return [w[:MAX_TERM] for w in _WORD.findall(text.casefold().replace("ё", "е"))]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A case-folded word's term: its Snowball stem (Russian or English by its letters)."""
    if word.isdigit():
        return word
    stemmer = _RUSSIAN if _CYRILLIC.search(word) else _ENGLISH
    with _STEMMING:  # a stemmer object keeps the word it works on
        return stemmer.stemWord(word)[:MAX_TERM]


_RUSSIAN = snowballstemmer.stemmer("russian")
_ENGLISH = snowballstemmer.stemmer("english")
_STEMMING = threading.Lock()


def index_product(title: str, description: str,
                  characteristics: dict[str, list[str]]) -> ProductIndex:
    """The terms a product is found by, with their weights, and the words they came from."""
    terms: dict[str, int] = {}
    words: dict[str, str] = {}
    values = " ".join(v for vs in characteristics.values() for v in vs)
    for text, weight in ((title, TITLE), (values, CHARACTERISTIC), (description, DESCRIPTION)):
        for word in words_of(text):
            if word in STOP_WORDS:
                continue
            term = stem(word)
            words[word] = term
            terms[term] = terms.get(term, 0) | weight
    return ProductIndex(terms, words)


def spelling_variants(word: str) -> set[str]:
    """The word and every string made by deleting one of its letters, those of VARIANT_MIN
    characters or more. Two words are one typo apart when their variants meet."""
    found = {word} if len(word) >= VARIANT_MIN else set()
    if len(word) > VARIANT_MIN:
        found.update(word[:i] + word[i + 1:] for i in range(len(word)))
    return found


def vocabulary_rows(words: dict[str, str]) -> set[tuple[str, str]]:
    """(variant, term) pairs of the spelling index for the given words and their terms: both the
    word as written and its stem lead to the term."""
    rows: set[tuple[str, str]] = set()
    for word, term in words.items():
        for source in (word, term):
            rows.update((variant, term) for variant in spelling_variants(source))
    return rows


def parse_query(q: str | None) -> list[QueryWord]:
    """The query's words, stemmed, stop words dropped unless nothing else is left, each term once,
    at most MAX_WORDS; a word of TYPO_MIN_LETTERS letters or more carries spelling variants."""
    written = words_of(q or "")
    meaningful = [w for w in written if w not in STOP_WORDS] or written
    parsed: list[QueryWord] = []
    seen: set[str] = set()
    for word in meaningful:
        term = stem(word)
        if term in seen:
            continue
        seen.add(term)
        letters = sum(1 for ch in word if ch.isalpha())
        variants = (tuple(sorted(spelling_variants(word) | spelling_variants(term)))
                    if letters >= TYPO_MIN_LETTERS else ())
        parsed.append(QueryWord(term, variants))
        if len(parsed) == MAX_WORDS:
            break
    return parsed


def word_score(fields: int, exact: bool) -> int:
    """A product's score for one query word: `fields` is the sum of the weights of the fields in
    which one of the word's candidate terms occurs; `exact` when the word is itself a known term."""
    return fields * 2 if exact else fields * 2 - 1


def product_columns(index: ProductIndex) -> dict[str, list[str]]:
    """The product's search columns: all its terms, and those of its title, characteristics and
    description, each sorted."""
    def having(weight: int) -> list[str]:
        return sorted(t for t, w in index.terms.items() if w & weight)

    return {"search_terms": sorted(index.terms), "search_title": having(TITLE),
            "search_characteristics": having(CHARACTERISTIC),
            "search_description": having(DESCRIPTION)}
