from models import schema


def test_committed_json_schemas_are_current():
    for naam, model in schema.MODELLEN.items():
        vastgelegd = (schema.MAP / naam).read_text(encoding="utf-8")
        assert vastgelegd == schema.als_tekst(model), f"schema/{naam} is out of date: run python -m models.schema"


def test_every_spec_refers_to_its_schema(catalogus):
    for pad in catalogus.map.glob("*.yaml"):
        naam = {"kalender.yaml": "kalender", "rollen.yaml": "rollen", "publicatie.yaml": "publicatie"}.get(
            pad.name, "proces"
        )
        eerste_regel = pad.read_text(encoding="utf-8").splitlines()[0]
        assert eerste_regel == f"# yaml-language-server: $schema=../schema/{naam}.schema.json", pad.name
