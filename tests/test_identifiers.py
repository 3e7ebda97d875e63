from __future__ import annotations

import pytest

from paperbib.identifiers import arxiv_id_from_url, arxiv_year, derive_identifiers, is_valid_arxiv_id
from paperbib.model import Identifiers, Link


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2310.01801", "2310.01801"),
        ("https://arxiv.org/abs/2310.01801v2", "2310.01801v2"),
        ("https://arxiv.org/pdf/2312.03414v1.pdf", "2312.03414v1"),
        ("http://arxiv.org/abs/2401.10000", "2401.10000"),
        ("https://arxiv.org/abs/cs/0112017", "cs/0112017"),
        ("https://arxiv.org/abs/math.GT/0309136v1", "math.GT/0309136v1"),
        ("arxiv.org/abs/1503.02531", "1503.02531"),
        ("https://doi.org/10.48550/arXiv.2305.12870", "2305.12870"),
        ("https://example.org/abs/2310.01801", None),
    ],
)
def test_arxiv_ids(url, expected):
    assert arxiv_id_from_url(url) == expected


def test_arxiv_id_is_never_trimmed():
    ids = derive_identifiers([Link("arxiv", "https://arxiv.org/abs/2401.10000")])
    assert ids.arxiv == "2401.10000"
    assert isinstance(ids.arxiv, str)


def test_arxiv_base_drops_only_version():
    assert Identifiers(arxiv="2310.01801v2").arxiv_base == "2310.01801"
    assert Identifiers(arxiv="cs/0112017v3").arxiv_base == "cs/0112017"
    assert Identifiers(arxiv="cs/0112017").arxiv_base == "cs/0112017"


def test_arxiv_year():
    assert arxiv_year("2310.01801v2") == 2023
    assert arxiv_year("cs/0112017") == 2001
    assert arxiv_year("1503.02531") == 2015
    assert arxiv_year("2014.10510") is None


def test_openreview_forum_id():
    ids = derive_identifiers([Link("openreview", "https://openreview.net/forum?id=OOWLRfAI_V_")])
    assert ids.openreview == "OOWLRfAI_V_"


def test_acl_anthology_gives_doi():
    ids = derive_identifiers([Link("paper", "https://aclanthology.org/2023.acl-long.381/")])
    assert ids.acl_anthology == "2023.acl-long.381"
    assert ids.doi == "10.18653/v1/2023.acl-long.381"
    old = derive_identifiers([Link("paper", "https://aclanthology.org/P18-1001.pdf")])
    assert old.doi == "10.18653/v1/P18-1001"


def test_pmlr_volume():
    ids = derive_identifiers([Link("paper", "https://proceedings.mlr.press/v202/li23ap.html")])
    assert ids.pmlr_volume == "202"


def test_cvf_neurips_aaai_urls():
    cvf = "https://openaccess.thecvf.com/content/CVPR2023/html/Song_Efficient_Model_CVPR_2023_paper.html"
    neurips = (
        "https://proceedings.neurips.cc/paper_files/paper/2023/hash/170dc3e41f2d03e327e04dbab0fccbfb"
        "-Abstract-Conference.html"
    )
    aaai = "https://ojs.aaai.org/index.php/AAAI/article/view/29004"
    ids = derive_identifiers([Link("paper", cvf), Link("nips", neurips), Link("aaai", aaai)])
    assert ids.cvf == "Song_Efficient_Model_CVPR_2023_paper"
    assert ids.neurips_hash == "170dc3e41f2d03e327e04dbab0fccbfb"
    assert ids.aaai_article == "29004"


def test_doi_link():
    ids = derive_identifiers([Link("paper", "https://doi.org/10.1109/SP46215.2023.00042")])
    assert ids.doi == "10.1109/SP46215.2023.00042"


@pytest.mark.parametrize(
    "arxiv_id",
    [
        "2310.01801",
        "2310.01801v2",
        "0704.0001",
        "1412.9999",
        "1501.00001",
        "cs/0112017",
        "hep-th/9108001",
        "math.GT/0309136v1",
        "cs/0703999",
    ],
)
def test_valid_arxiv_ids(arxiv_id):
    assert is_valid_arxiv_id(arxiv_id)


@pytest.mark.parametrize(
    "arxiv_id",
    [
        "2014.10510",  # month 14
        "9999.99999",  # month 99
        "2300.01234",  # month 00
        "0703.0001",  # new style began in April 2007
        "1412.12345",  # five digits only since 2015
        "1501.1234",  # four digits only until 2014
        "2310.00000",  # numbers start at 1
        "2310.01801v0",  # versions start at 1
        "hep-th/9913001",  # month 13
        "hep-th/9107001",  # old style began in August 1991
        "cs/0704001",  # old style ended in March 2007
    ],
)
def test_invalid_arxiv_ids(arxiv_id):
    assert not is_valid_arxiv_id(arxiv_id)
    for url in (f"https://arxiv.org/abs/{arxiv_id}", f"https://arxiv.org/pdf/{arxiv_id}.pdf"):
        assert arxiv_id_from_url(url) is None, url
    assert derive_identifiers([Link("arxiv", f"https://arxiv.org/abs/{arxiv_id}")]).arxiv is None


def test_invalid_arxiv_doi_is_neither_doi_nor_eprint():
    ids = derive_identifiers([Link("doi", "https://doi.org/10.48550/arXiv.2014.10510")])
    assert ids.arxiv is None
    assert ids.doi is None
