"""A page compressed in pieces (web/splicing.py): whatever the edits, the gzip member is the
edited page, its checksum and length right, and a visitor's own bytes compressed alone."""

import gzip
import zlib

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from web import splicing

PAGE = b"".join(
    b'<li><button class="save" value="poster:%d">Save Poster %d</button></li>\n' % (n, n)
    for n in range(2000)
)


@st.composite
def edits(draw, size: int):
    cuts = sorted(draw(st.lists(st.integers(0, size), max_size=12)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    return [(start, end, draw(st.binary(max_size=300))) for start, end in pairs]


@hypothesis_settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_edits_give_the_edited_page(data):
    content = PAGE[: data.draw(st.integers(0, len(PAGE)))]
    pieces = splicing.Pieces.of(content)
    changes = data.draw(edits(len(content)))
    assert gzip.decompress(pieces.gzipped(changes)) == pieces.edited(changes)


def test_no_edit_is_the_stored_pieces_and_about_as_small_as_gzip():
    pieces = splicing.Pieces.of(PAGE)
    whole = pieces.gzipped([])
    assert gzip.decompress(whole) == PAGE
    assert b"".join(pieces.deflated) in whole
    assert len(whole) < 1.1 * len(gzip.compress(PAGE))


def test_an_edit_is_compressed_alone():
    """The new bytes start a fresh deflate block after a full flush and end on one: decompressed
    from there on their own, they give exactly themselves."""
    secret = b'<input name="csrfmiddlewaretoken" value="SECRETSECRET">'
    at = PAGE.index(b"poster:1000")
    member = splicing.Pieces.of(PAGE).gzipped([(at, at, secret)])
    alone = splicing.deflated(secret, 1)
    assert alone in member
    assert zlib.decompressobj(-zlib.MAX_WBITS).decompress(alone) == secret
