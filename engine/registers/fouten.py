"""What goes wrong between answer and register: the errors the shells show to the user (in Dutch)."""

from __future__ import annotations

from models.gebruikersfouten import Gebruikersfout
from models.registers import REGISTERS


class OnbekendVerzoek(Gebruikersfout):
    """No verzoek has this token, or no lopende ronde waits for this confirmation."""


class OngeldigeInvoer(Gebruikersfout):
    """Entries that do not fit their register; `fouten` holds one Dutch message per (entry index, field), the
    field '' for the entry as a whole. Nothing was stored."""

    def __init__(self, fouten: dict[tuple[int, str], str], register: str | None = None) -> None:
        self.fouten = fouten
        model = REGISTERS.get(register or "")
        regels = []
        for (index, veld), bericht in sorted(fouten.items()):
            titel = model.model_fields[veld].title if model and veld in model.model_fields else veld
            regels.append(f"regel {index + 1}{', ' + titel if titel else ''}: {bericht}")
        super().__init__("Niet opgeslagen; dit klopt nog niet:\n" + "\n".join(regels))


class OnbekendVoorstel(Gebruikersfout):
    """No register version with this id."""


class AlBeoordeeld(Gebruikersfout):
    """The proposal was accepted, sent back or replaced already."""


class GeenBevoegdheid(Gebruikersfout):
    """The person is not the eigenaar of this proposal's proces (nor the integriteitscoordinator)."""
