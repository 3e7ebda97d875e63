"""Venue tags, author lists and venue normalisation through the catalogue."""

from __future__ import annotations

import pytest

from paperbib.reader.authors import ET_AL, looks_like_authors, parse_authors
from paperbib.reader.venue_text import parse_venue_text
from paperbib.venues import default_catalogue


@pytest.mark.parametrize(
    ("text", "venue", "year", "note"),
    [
        ("ICLR 2021", "ICLR", 2021, ""),
        ("NeurIPS, 2024", "NeurIPS", 2024, ""),
        ("Arxiv 2024.07", "Arxiv", 2024, ""),
        ("Arxiv, 2024.06", "Arxiv", 2024, ""),
        ("CVPR'25", "CVPR", 2025, ""),
        ("**ICCV'23** Workshop", "ICCV Workshop", 2023, ""),
        ("NeurIPSW'24", "NeurIPSW", 2024, ""),
        ("CAS '18", "CAS", 2018, ""),
        ("EG '06", "EG", 2006, ""),
        ("IJCAI 2024 (Survey Track)", "IJCAI", 2024, "Survey Track"),
        ("TIP", "TIP", None, ""),
        ("2019.7", None, 2019, ""),
        ("ICLR reject", None, None, "ICLR reject"),
        ("ICLR-2024", "ICLR", 2024, ""),
    ],
)
def test_venue_text_spellings(text, venue, year, note):
    parsed = parse_venue_text(text)
    assert parsed.venue == venue
    assert parsed.year == year
    assert parsed.note == note


@pytest.mark.parametrize(
    ("spelling", "venue_id"),
    [
        ("NIPS", "neurips"),
        ("cvpr", "cvpr"),
        ("CVPRW", "cvprw"),
        ("CVPR Workshops", "cvprw"),
        ("ICCV Workshop", "iccvw"),
        ("NeurIPSW", "neuripsw"),
        ("Arxiv", "arxiv"),
        ("Neural Computing and Applications", "nca"),
        ("ICASPP", "icassp"),
    ],
)
def test_catalogue_spellings(spelling, venue_id):
    assert default_catalogue().find(spelling).id == venue_id


def test_workshop_names_its_conference():
    catalogue = default_catalogue()
    workshop = catalogue.find("CVPRW")
    assert workshop.workshop_of == "cvpr"
    assert catalogue.find("CVPR").workshop_of == ""
    assert catalogue.find("ICLR reject") is None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Xiang Meng, Kayhan Behdin and Rahul Mazumder",
            [("Meng", "Xiang"), ("Behdin", "Kayhan"), ("Mazumder", "Rahul")],
        ),
        ("Li, Yuncheng et al.", [("Li", "Yuncheng")]),
        ("Cho, Jang Hyun & Hariharan, Bharath", [("Cho", "Jang Hyun"), ("Hariharan", "Bharath")]),
        ("*Ana Lima, Bo Chen.*", [("Lima", "Ana"), ("Chen", "Bo")]),
        ("Z. Meng et al.", [("Meng", "Z.")]),
        ("Kim, Yoon & Rush, Alexander M.", [("Kim", "Yoon"), ("Rush", "Alexander M.")]),
    ],
)
def test_author_lists(text, names):
    authors = parse_authors(text)
    people = [author for author in authors if author != ET_AL]
    assert [(author.family, author.given) for author in people] == names
    assert (ET_AL in authors) == ("et al" in text)


@pytest.mark.parametrize("text", ["Hinton et al.", "Ana Lima, Bo Chen", "Chen Jia", "Ludwig van Beethoven"])
def test_text_that_reads_as_authors(text):
    assert looks_like_authors(text)


@pytest.mark.parametrize("text", ["(Spotlight)", "[Best Paper!]", "", "2019", "Accepted at", "code link seems invalid"])
def test_text_that_is_not_authors(text):
    assert not looks_like_authors(text)
