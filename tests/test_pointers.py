"""Evidence pointers lead to the source the record links: a reader can follow each one."""

from __future__ import annotations

from editsurvey.models import Links
from editsurvey.pointers import source_url

LINKS = Links(
    paper="https://openaccess.thecvf.com/content/CVPR2023/html/x.html",
    arxiv="2304.00001",
    code="https://github.com/example/sample-edit",
    project="https://example.github.io/sample-edit/",
)


def test_pointers_into_linked_sources_become_their_addresses():
    assert source_url(LINKS, "project page") == "https://example.github.io/sample-edit/"
    assert source_url(LINKS, "repository README") == "https://github.com/example/sample-edit"
    assert source_url(LINKS, "repository file scripts/edit.py") == (
        "https://github.com/example/sample-edit/blob/HEAD/scripts/edit.py"
    )
    assert source_url(LINKS, "repository file scripts/edit.py@0f72fa9") == (
        "https://github.com/example/sample-edit/blob/0f72fa9/scripts/edit.py"
    )
    assert source_url(LINKS, "repository issue 42") == "https://github.com/example/sample-edit/issues/42"
    assert source_url(LINKS, "arXiv comments") == "https://arxiv.org/abs/2304.00001"
    assert source_url(LINKS, "publisher page") == LINKS.paper
    assert source_url(LINKS.model_copy(update={"doi": "10.1000/x.1"}), "publisher page") == "https://doi.org/10.1000/x.1"


def test_places_inside_the_paper_and_unlinked_sources_stay_text():
    for pointer in ("abstract", "Fig. 3", "Sec. 4.2", "survey leaderboard", "survey Table 1"):
        assert source_url(LINKS, pointer) is None
    bare = Links(paper="https://arxiv.org/abs/2304.00001")
    assert source_url(bare, "project page") is None
    assert source_url(bare, "repository file run.py") is None


def test_a_file_in_a_repository_subfolder_link_goes_to_the_linked_folder():
    # The path is relative to the repository, not to the folder the record links: link what is known.
    folder = LINKS.model_copy(update={"code": "https://github.com/example/mono/tree/main/editing"})
    assert source_url(folder, "repository file run.py") == folder.code
