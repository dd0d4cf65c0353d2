"""Sanctions and watch lists: the UN consolidated list's format and a simple CSV are read into
entries; a name matches however it is written — 张伟 is ZHANG Wei, Wei Zhang, "Zhang, Wei" —
and a date of birth or a nationality that cannot be the listed person's cuts the hit; a bad
file is refused with where."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import hujin.risk
from hujin.risk.errors import WatchlistInvalid
from hujin.risk.names import Party, list_matches, name_forms, name_score
from hujin.risk.watchlists import csv_list_read, un_list_read

DATA = Path(hujin.risk.__file__).parent / "data"
UN = un_list_read((DATA / "sample_un_list.xml").read_bytes())
CSV = csv_list_read((DATA / "sample_watchlist.csv").read_text(), list_name="sample")


class TestNames:
    @pytest.mark.parametrize("written", ["ZHANG Wei", "Wei Zhang", "Zhang, Wei", "zhāng wěi"])
    def test_a_chinese_name_matches_its_pinyin_however_written(self, written):
        assert name_score("张伟", written) == 100

    def test_a_surname_is_read_as_a_surname(self):
        assert "shan tian xiao" in name_forms("单田晓")  # 单 as a surname is Shan
        assert name_score("曾志伟", "Zeng Zhiwei") == 100

    def test_a_longer_name_is_not_the_same_person(self):
        assert name_score("张伟明", "Zhang Wei") < Decimal(88)

    def test_a_letter_off_still_scores_high(self):
        assert name_score("Ivan Samplov", "Ivan Samploff") >= Decimal(80)


class TestTheUNList:
    def test_individuals_and_entities_are_read_with_aliases_births_and_nationalities(self):
        by_reference = {e.reference: e for e in UN}

        assert set(by_reference) == {"SMP.001", "SMP.002", "SMP.003", "SMPe.001"}
        zhang = by_reference["SMP.001"]
        assert zhang.names == ("ZHANG WEI", "Wei Zhang")
        assert zhang.birth_dates == (date(1968, 3, 14),) and zhang.nationalities == ("CN",)
        assert by_reference["SMP.002"].birth_years == (1971,)
        assert by_reference["SMP.003"].nationalities == ()  # a country nobody knows: unknown

    def test_an_entity_bomb_is_refused_not_expanded(self):
        bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                b"<CONSOLIDATED_LIST>&b;</CONSOLIDATED_LIST>")  # fmt: skip

        with pytest.raises(WatchlistInvalid):
            un_list_read(bomb)

    def test_another_file_is_refused(self):
        with pytest.raises(WatchlistInvalid, match="CONSOLIDATED_LIST"):
            un_list_read(b"<LIST/>")


class TestScreening:
    def test_a_customer_named_like_a_listed_person_born_that_day_is_a_hit(self):
        customer = Party(name="张伟", birth_date=date(1968, 3, 14), nationality="CN")

        (hit,) = list_matches(customer, UN)

        assert hit.entry.reference == "SMP.001" and hit.score == 100
        assert hit.birth == "agrees" and hit.nationality == "agrees"

    def test_another_zhang_wei_born_another_year_is_not(self):
        assert list_matches(Party(name="张伟", birth_date=date(1990, 1, 1)), UN) == []

    def test_another_nationality_cuts_the_hit(self):
        assert list_matches(Party(name="张伟", nationality="SG"), UN) == []

    def test_without_a_date_or_a_nationality_the_name_alone_hits_and_says_so(self):
        (hit,) = list_matches(Party(name="Wei Zhang"), UN)

        assert hit.birth == "unknown" and hit.nationality == "unknown"

    def test_a_year_only_list_agrees_with_any_date_in_that_year(self):
        (hit,) = list_matches(Party(name="Ivan Petrovich Samplov", birth_date=date(1971, 6, 1)),
                              UN)  # fmt: skip

        assert hit.entry.reference == "SMP.002" and hit.birth == "agrees"

    def test_a_payee_company_matches_an_alias(self):
        (hit,) = list_matches(Party(name="Example Shell Trading Co Ltd"), UN)

        assert hit.entry.reference == "SMPe.001"


class TestTheCSVList:
    def test_entries_are_read(self):
        li, other = CSV

        assert li.names == ("李明", "Li Ming", "Ming Li") and li.birth_dates == (date(1975, 8, 2),)
        assert other.birth_years == (1980,) and other.nationalities == ("SG", "MY")

    @pytest.mark.parametrize(
        ("text", "where"),
        [
            ("ref,name\nA,B\n", "columns"),
            ("reference,name,aliases,birth_date,nationality\n,Nobody,,,\n", "Line 2"),
            ("reference,name,aliases,birth_date,nationality\nA,X,,1975-13-40,\n", "Line 2"),
            ("reference,name,aliases,birth_date,nationality\nA,X,,,ZZ\n", "ZZ"),
            ("reference,name,aliases,birth_date,nationality\nA,X,,,\nA,Y,,,\n", "twice"),
        ],
    )
    def test_a_bad_file_is_refused_with_where(self, text, where):
        with pytest.raises(WatchlistInvalid, match=where):
            csv_list_read(text, list_name="bad")
