"""notifications/opmaak.py: the HTML part made from a text makes every web address a link one click follows."""

from __future__ import annotations

from notifications.opmaak import html_uit_tekst


def test_every_web_address_in_the_html_part_is_a_link_and_the_rest_stays_escaped():
    html = html_uit_tekst(
        "Is er niets veranderd? Geef dat met één klik door:\n"
        "https://integriteit.example/antwoord/abc/geen-wijzigingen\n\n"
        "Uw formulier: https://integriteit.example/antwoord/abc. <script>"
    )
    assert (
        '<a href="https://integriteit.example/antwoord/abc/geen-wijzigingen">'
        "https://integriteit.example/antwoord/abc/geen-wijzigingen</a>" in html
    )
    assert '<a href="https://integriteit.example/antwoord/abc">https://integriteit.example/antwoord/abc</a>. ' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
