from __future__ import annotations

from pathlib import Path

import pytest

from paperbib.venues import Catalogue, default_catalogue

NINE = ["neurips", "icml", "iclr", "cvpr", "iccv", "eccv", "aaai", "ijcai", "acl"]
PMLR_VOLUMES = {2018: "80", 2019: "97", 2020: "119", 2021: "139", 2022: "162", 2023: "202", 2024: "235", 2025: "267"}


def years_held(venue_id: str) -> range:
    if venue_id == "iccv":
        return range(2019, 2026, 2)
    if venue_id == "eccv":
        return range(2018, 2025, 2)
    return range(2018, 2026)


@pytest.mark.parametrize("venue_id", NINE)
def test_nine_venues_have_every_edition(venue_id):
    venue = default_catalogue().find(venue_id)
    assert venue is not None
    for year in years_held(venue_id):
        info = venue.info(year)
        assert str(year) in info.booktitle, (venue_id, year)
        assert info.entry_type == "inproceedings"
        assert info.csl_type == "paper-conference"
        assert info.publisher, (venue_id, year)


def test_icml_pmlr_volumes():
    icml = default_catalogue().find("ICML")
    for year, volume in PMLR_VOLUMES.items():
        info = icml.info(year)
        assert info.volume == volume
        assert info.series == "Proceedings of Machine Learning Research"
        assert info.publisher == "PMLR"


def test_neurips_and_aaai_volumes():
    catalogue = default_catalogue()
    for year in range(2018, 2026):
        assert catalogue.info("NeurIPS", year).volume == str(year - 1987)
        assert catalogue.info("AAAI", year).volume == str(year - 1986)


def test_iclr_and_eccv_publishers():
    catalogue = default_catalogue()
    assert catalogue.info("ICLR", 2024).publisher == "OpenReview.net"
    eccv = catalogue.info("ECCV", 2022)
    assert eccv.series == "Lecture Notes in Computer Science"
    assert eccv.publisher.startswith("Springer")


@pytest.mark.parametrize("spelling", ["NIPS", "nips", "NeurIPS", "neurips", "Neural Information Processing Systems"])
def test_neurips_spellings(spelling):
    assert default_catalogue().find(spelling).id == "neurips"


def test_unknown_venue_keeps_its_name():
    info = default_catalogue().info("S&P", 2023)
    assert not info.known
    assert info.booktitle == "S&P"
    assert info.id == "sp"


def test_catalogue_from_toml_text():
    catalogue = Catalogue.from_toml(
        'schema_version = 1\n[[venue]]\nid = "x"\nshort = "X"\nname = "X Conf"\n'
        '[[venue.edition]]\nyear = 2020\nbooktitle = "X 2020"\nvolume = "3"\n'
    )
    assert catalogue.info("x", 2020).booktitle == "X 2020"
    assert catalogue.info("x", 2020).volume == "3"
    assert catalogue.info("x", 2021).booktitle == "X Conf, X 2021"


def test_default_catalogue_is_the_shipped_file():
    import paperbib.venues.catalogue as module

    path = Path(module.__file__).with_name("venues.toml")
    shipped = Catalogue.from_path(path)
    assert [venue.id for venue in default_catalogue().venues] == [venue.id for venue in shipped.venues]
    assert default_catalogue().venues == Catalogue.from_path(str(path)).venues
