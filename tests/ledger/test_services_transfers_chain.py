"""``transfers_chain``: a module's movement of money as one linked chain - all of it or none -
with one answer: ``ok``, or the code of the transfer that failed the chain."""

from hujin.core.actors import SYSTEM
from hujin.ledger.errors import Result
from hujin.ledger.services import transfers_chain


def chain(book, *requests):
    return transfers_chain(transfers=list(requests), actor=SYSTEM, now=book.now,
                           business_date=book.business_date)  # fmt: skip


def test_a_chain_is_written_whole_and_answers_ok(book):
    a, b, c = book.open("a"), book.open("b"), book.open("c")
    assert chain(book, book.single(a, b, 500), book.single(b, c, 200)) == Result.OK
    assert book.balances(b) == {"debits_posted": 200, "credits_posted": 500}
    assert book.balances(c) == {"credits_posted": 200}


def test_the_same_chain_again_is_ok_and_changes_nothing(book):
    a, b = book.open("a"), book.open("b")
    first, second = book.single(a, b, 500), book.single(b, a, 100)
    assert chain(book, first, second) == Result.OK
    again = [book.single(a, b, 500, id=first.id), book.single(b, a, 100, id=second.id)]
    assert chain(book, *again) == Result.OK
    assert book.balances(b) == {"debits_posted": 100, "credits_posted": 500}


def test_one_refusal_writes_nothing_and_names_its_own_reason(book):
    a, b = book.open("a"), book.open("b", debits_must_not_exceed_credits=True)
    code = chain(book, book.single(a, b, 500), book.single(b, a, 900))
    assert code == Result.EXCEEDS_CREDITS
    assert book.balances(a) == {} and book.balances(b) == {}


def test_an_empty_chain_is_ok_and_writes_nothing(book):
    assert chain(book) == Result.OK
