"""Floor-plan uploads (issue 30): an SVG passes only an allow-list of drawing, and a picture of
too many pixels is scaled down once, on upload, or refused when absurd."""

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from program.models import FloorPlan
from program.venue import floor_plans

pytestmark = pytest.mark.django_db

HEAD = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    b' viewBox="0 0 800 400">'
)


def svg(body: bytes) -> bytes:
    return HEAD + body + b"</svg>"


EVIL_SVG = base64.b64encode(svg(b"<script>alert(1)</script>"))
XHTML = b'xmlns="http://www.w3.org/1999/xhtml"'

# A plan as drawing programs write it: groups, paths, text, a local gradient, styles, and
# Inkscape's own notes.
CLEAN = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     width="1200" height="800" viewBox="0 0 1200 800" version="1.1" id="svg1">
  <sodipodi:namedview id="view" pagecolor="#ffffff" inkscape:zoom="0.5"/>
  <title>Hall B, level 2</title>
  <desc>Poster hall</desc>
  <defs>
    <linearGradient id="floor" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0%" stop-color="#f4f4f4"/>
      <stop offset="100%" style="stop-color:rgb(220, 220, 220);stop-opacity:1"/>
    </linearGradient>
    <linearGradient id="floor2" xlink:href="#floor" gradientTransform="rotate(90)"/>
    <marker id="arrow" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto">
      <path d="M0,0 L10,5 L0,10 z" fill="#333"/>
    </marker>
  </defs>
  <g id="layer1" inkscape:label="Walls" inkscape:groupmode="layer" transform="translate(10, 10)">
    <rect x="0" y="0" width="1180" height="780" fill="url(#floor)" stroke="#222"
          stroke-width="4"/>
    <path d="M 100 100 H 500 V 300 Z" style="fill:none;stroke:#0a5;stroke-width:2px;
          stroke-dasharray:4 2" marker-end="url('#arrow')"/>
    <circle cx="600" cy="400" r="12" class="board" fill-opacity="0.5"/>
    <polygon points="10,10 20,20 10,20" style="fill:url(#floor2) ; opacity: .8 !important"/>
    <text x="40" y="60" style="font-family:'DejaVu Sans', sans-serif;font-size:24px;
          font-weight:bold;-inkscape-font-specification:'DejaVu Sans Bold'">Hall <tspan
          dy="1.2em">B</tspan></text>
    <use href="#layer2" x="5"/>
  </g>
  <g id="layer2" data-name="Layer 2">
    <line x1="0" y1="0" x2="10" y2="10" stroke="hsl(120, 50%, 40%)"/>
  </g>
</svg>"""


def test_a_clean_real_world_drawing_is_accepted():
    assert floor_plans.check(CLEAN) == floor_plans.Plan("image/svg+xml", 1200.0, 800.0)


@pytest.mark.parametrize(
    "body, says",
    [
        # 1, 2: url() to elsewhere in a style or a presentation attribute.
        (b'<rect width="9" height="9" style="fill:url(https://evil.example/a.svg#g)"/>', "url()"),
        (b'<rect width="9" height="9" fill="url(//evil.example/a.svg#g)"/>', "url()"),
        (b'<rect width="9" height="9" stroke="URL(evil.svg#g)"/>', "URL()"),
        # 3, 4: CSS escapes and comments that spell url( and @import.
        (b'<rect style="fill:u\\72l(https://evil.example/x)"/>', "url()"),
        (b'<rect style="fill:u\\000072 l(https://evil.example/x)"/>', "url()"),
        (b'<rect style="fill:\\u\\r\\l(https://evil.example/x)"/>', "url()"),
        (b"<rect style=\"@\\69mport 'x.css'; fill:red\"/>", "style sets"),
        (b'<rect style="fill:red; /*&quot;; */ stroke:url(https://evil.example)"/>', "url()"),
        (
            b"<rect style=\"font-family:'/*'; stroke:url(https://e.example); x:'*/'\"/>",
            "plain name",
        ),
        (b'<rect style="fill:url(#a/*); stroke: url(https://e.example) */)"/>', "comment"),
        (b'<rect style="fill:u\\28 x"/>', "escapes"),
        # 5: image-set() and other CSS functions.
        (b'<rect style="fill:image-set(&quot;http://evil.example/x.png&quot; 1x)"/>', "http://"),
        (b'<rect style="fill:image-set(x.png 1x)"/>', "image-set()"),
        (b'<rect fill="image(x.png)"/>', "image()"),
        (b'<rect fill="element(#a)"/>', "element()"),
        (b'<rect style="mask-image:url(#m)"/>', "style sets"),
        (b'<rect fill="var(--x)"/>', "var()"),
        (b'<rect fill="expression(alert(1))"/>', "expression()"),
        # 6, 7: animation that sets href to javascript: or elsewhere.
        (b'<a><set attributeName="href" to="javascript:alert(1)"/></a>', "<a>"),
        (b'<use href="#x"><set attributeName="href" to="javascript:alert(1)"/></use>', "<set>"),
        (
            b'<use href="#x"><animate attributeName="href" values="https://evil.example"/></use>',
            "<animate>",
        ),
        (b'<rect><animateTransform attributeName="transform"/></rect>', "<animateTransform>"),
        # 8: an embedded SVG with a script.
        (b'<image href="data:image/svg+xml;base64,' + EVIL_SVG + b'"/>', "<image>"),
        (b'<use href="data:image/svg+xml;base64,' + EVIL_SVG + b'#x"/>', "refers to"),
        # 9, 10: XHTML meta refresh and img, in a foreignObject or straight in the drawing.
        (
            b"<foreignObject><meta " + XHTML + b' http-equiv="refresh" content="0;url=https://e.x"'
            b"/></foreignObject>",
            "<foreignObject>",
        ),
        (b"<meta " + XHTML + b' http-equiv="refresh" content="0;url=https://e.x"/>', "<meta>"),
        (b"<img " + XHTML + b' src="https://evil.example/x.png"/>', "<img>"),
        # The rest of the allow-list.
        (b'<use xlink:href="https://evil.example/s.svg#x"/>', "refers to"),
        (b'<rect href="#x"/>', "refers to"),
        (b"<style>@\\69mport url(x.css)</style>", "styles as attributes"),
        (b'<rect onclick="alert(1)"/>', "event attribute"),
        (b'<rect width="9" cursor="url(https://evil.example/c.cur)"/>', '"cursor"'),
        (b'<rect transform="url(https://evil.example)"/>', "transform"),
        (b'<rect fill="red" xmlns:x="urn:x" x:href="https://evil.example"/>', "vocabulary"),
        (b'<filter id="f"><feImage href="https://evil.example"/></filter>', "<filter>"),
    ],
)
def test_what_reaches_outside_animates_or_embeds_is_refused(body, says):
    with pytest.raises(ValidationError) as error:
        floor_plans.check(svg(body))
    assert says in " ".join(error.value.messages)


def picture(width, height, kind="PNG", mode="L") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), 200).save(buffer, kind)
    return buffer.getvalue()


def test_a_picture_of_too_many_pixels_is_scaled_down_once_keeping_its_proportions():
    huge = picture(12000, 12000)  # 144 megapixels, a few hundred kB
    assert len(huge) < floor_plans.MAX_BYTES
    with pytest.raises(ValidationError, match="at most 25 megapixels"):
        floor_plans.check(huge)
    data, said = floor_plans.fit(huge)
    plan = floor_plans.check(data)
    assert plan.content_type == "image/png" and plan.width == plan.height == 5000.0
    assert "12000×12000" in said and "5000×5000" in said
    assert floor_plans.fit(data) == (data, "")


def test_a_wide_jpeg_keeps_its_format_and_proportions():
    data, said = floor_plans.fit(picture(8000, 4000, "JPEG", "RGB"))
    plan = floor_plans.check(data)
    assert plan.content_type == "image/jpeg" and said
    assert plan.width * plan.height <= floor_plans.MAX_PIXELS
    assert plan.width / plan.height == pytest.approx(2, rel=0.001)


def test_an_absurd_picture_is_refused_with_a_message_not_decoded(monkeypatch):
    monkeypatch.setattr(floor_plans, "MAX_DECODED_PIXELS", 1_000_000)
    with pytest.raises(ValidationError, match="far too large"):
        floor_plans.fit(picture(2000, 1000))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)  # Pillow's own bomb check
    with pytest.raises(ValidationError, match="far too large"):
        floor_plans.check(picture(1000, 1000))


def test_the_admin_stores_the_scaled_picture_and_says_so(seed, organizer_client):
    room = seed.rooms.first()
    upload = SimpleUploadedFile("hall.png", picture(8000, 4000), content_type="image/png")
    response = organizer_client.post(
        "/admin/program/floorplan/add/",
        {
            "room": room.pk,
            "upload": upload,
            "spots-TOTAL_FORMS": "0",
            "spots-INITIAL_FORMS": "0",
            "spots-MIN_NUM_FORMS": "0",
            "spots-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )
    assert "8000×4000 pixels; it is kept at 7071×3535" in response.content.decode()
    plan = FloorPlan.objects.get(room=room)
    assert (plan.width, plan.height) == (7071.0, 3535.0)
    with Image.open(io.BytesIO(bytes(plan.picture))) as stored:
        assert stored.size == (7071, 3535) and stored.format == "PNG"
