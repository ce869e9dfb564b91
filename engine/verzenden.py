"""Sending the outbox: claim a block of due messages, hand each to SMTP, record what the server said.

Any number of senders may run at once (CLI, flows, workers on several machines). A sender first claims a
block in a short transaction of its own (`geclaimd_door`, `geclaimd_tot`: a lease in real time), so its
claim outlives the commit after every message and no other sender takes the same message. Claims of a
sender that crashed are taken over when their lease ends, or at once when that sender ran on this machine
and its process is gone.

What the server says, and what it means:
- accepted: marked sent in its own commit straight away. The one window left is a crash between the
  server's "250 OK" and that commit, which sends that single message again. Its gebeurtenis
  (`bericht-verzonden`) follows when the block ends, for the whole block in one commit: chaining the audit
  trail at every commit would cost more than the SMTP conversation. Until then the message keeps its claim,
  which is how a sent message whose sender crashed before booking it is found: the next run books it;
- an address refused permanently: the person is marked undeliverable and the eigenaar told; the rest goes;
- refused for now (4xx), or one message refused at DATA: tried again next run, and given up after five days
  of that (as mail servers themselves give up), which then counts as a permanent refusal;
- a storing (the server, the login, the sender or a policy refused; or two messages in a row refused at
  DATA): nothing is marked, everything stays queued, the report carries the server's answer and the
  coordinator is alerted, at most once an hour;
- a message without recipients is never "sent": it is refused, and an alert still reaches the channels.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, or_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, func, select

from engine import controle
from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer, registreer_veel, rij
from engine.onbestelbaar import markeer_onbestelbaar
from engine.uitgaand import Opmaak
from models.instellingen import Instellingen
from models.tabellen import Bericht, Ronde, Verzoek
from notifications import meldingen, opstellen, smtp

LEASE = timedelta(minutes=10)
BLOK = 100
OPGEVEN_NA = timedelta(days=5)
ALARM = ("escalatie", "melding")
"""Kinds of message that also go to the configured alert channels."""


@dataclass
class Verzendverslag:
    verzonden: int = 0
    geweigerd: int = 0
    uitgesteld: int = 0
    storing: str | None = None


def verzend(*, session: Session, catalogus: Catalogus, nu: datetime, inst: Instellingen) -> Verzendverslag:
    """Send every queued message that is due and no other sender holds; commits after each one."""
    verslag = Verzendverslag()
    if inst.smtp_host:
        _Verzender(session, catalogus, nu, inst, verslag).verzend()
    verslag.uitgesteld = _wachtend(session, nu)
    return verslag


class _Verzender:
    """One run of one sender: its claims, its connection, and what it has seen so far."""

    def __init__(self, session: Session, catalogus: Catalogus, nu: datetime, inst: Instellingen, verslag) -> None:
        self.session, self.catalogus, self.nu, self.inst, self.verslag = session, catalogus, nu, inst, verslag
        self.houder = f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.vorige_geweigerd = False  # the previous message was refused at DATA
        self.geprobeerd: set[int] = set()  # a run tries each message once
        self.opmaak = Opmaak(session, catalogus, nu)

    def verzend(self) -> None:
        self._boek_achtergelaten()
        try:
            if blok := self._claim():
                with smtp.verbinding(self.inst) as verbinding:
                    while blok:
                        self._verzend_blok(verbinding, blok)
                        blok = self._claim()
        except smtp.Serverstoring as fout:
            self.session.rollback()
            self.verslag.storing = str(fout)
        finally:
            self._geef_vrij()
        if self.verslag.storing:
            self._alarmeer_storing()

    def _verzend_blok(self, verbinding, blok: list[int]) -> None:
        geclaimd = time.monotonic()
        for bericht, token, ronde in self._laad(blok):
            if time.monotonic() - geclaimd > LEASE.total_seconds() / 2:
                break  # the rest goes back to the queue and is claimed again with a fresh lease
            self.geprobeerd.add(bericht.id)
            self._verstuur(verbinding, bericht, token, ronde)
            self.session.commit()
        self._geef_vrij()

    def _verstuur(self, verbinding, bericht: Bericht, token: str | None, ronde: Ronde) -> None:
        aan = [a.strip() for a in bericht.aan.split(",") if a.strip()]
        if not aan:
            self._geef_op(bericht, ronde, "geen ontvangers", onbestelbaar={})
            return
        if bericht.tekst is None and not self.opmaak.vul_in(bericht, ronde, token):
            return  # its template failed: it stays queued, with the reason, until the template is repaired
        uit = opstellen.email(
            bericht,
            sleutel=token if bericht.soort in ("verzoek", "herinnering") else None,
            deadline=ronde.deadline,
            inst=self.inst,
        )
        set_committed_value(bericht, "pogingen", bericht.pogingen + 1)  # written with the outcome
        try:
            bezorging = smtp.bezorg(verbinding, uit, aan, afzender=self.inst.afzender)
        except smtp.BerichtGeweigerd as fout:
            if self.vorige_geweigerd:
                raise smtp.Serverstoring(f"{fout} (ook het vorige bericht werd geweigerd)") from fout
            self.vorige_geweigerd = True
            self._stel_uit(bericht, ronde, str(fout), onbestelbaar={})
            return
        self.vorige_geweigerd = False
        if bezorging.aanvaard:
            self._verzonden(bericht, ronde, bezorging)
        elif bezorging.tijdelijk:
            self._stel_uit(
                bericht, ronde, _redenen(bezorging.tijdelijk), onbestelbaar=bezorging.blijvend | bezorging.tijdelijk
            )
        else:
            self._geef_op(bericht, ronde, _redenen(bezorging.blijvend), onbestelbaar=bezorging.blijvend)

    def _verzonden(self, bericht: Bericht, ronde: Ronde, bezorging: smtp.Bezorging) -> None:
        self._schrijf(bericht, verzonden=self.nu, fout=_redenen(bezorging.tijdelijk) if bezorging.tijdelijk else None)
        self._markeer(ronde, bezorging.blijvend)
        self.verslag.verzonden += 1
        if bericht.soort in ALARM:
            meldingen.alarmeer(self.inst.meldingen, bericht.onderwerp, bericht.tekst)

    def _stel_uit(self, bericht: Bericht, ronde: Ronde, reden: str, onbestelbaar: dict[str, str]) -> None:
        """A refusal for now: tried again next run, given up after OPGEVEN_NA."""
        self._schrijf(bericht, fout=reden, uitgesteld_sinds=bericht.uitgesteld_sinds or self.nu)
        if self.nu - bericht.uitgesteld_sinds >= OPGEVEN_NA:
            opgegeven = f"na {OPGEVEN_NA.days} dagen opgegeven"
            self._geef_op(
                bericht, ronde, f"{opgegeven}: {reden}", {a: f"{opgegeven}: {r}" for a, r in onbestelbaar.items()}
            )

    def _geef_op(self, bericht: Bericht, ronde: Ronde, reden: str, onbestelbaar: dict[str, str]) -> None:
        self._schrijf(bericht, geweigerd=self.nu, fout=reden, geclaimd_door=None, geclaimd_tot=None)
        registreer(self.session, soort="bericht-geweigerd", nu=self.nu, ronde=ronde, bericht_id=bericht.id, reden=reden)
        self._markeer(ronde, onbestelbaar)
        self.verslag.geweigerd += 1
        if bericht.soort in ALARM:
            meldingen.alarmeer(
                self.inst.meldingen, bericht.onderwerp, f"(niet per e-mail bezorgd: {reden})\n\n{bericht.tekst}"
            )

    def _schrijf(self, bericht: Bericht, **waarden) -> None:
        """Write the outcome (`waarden`, and the attempts) to the message's row with one UPDATE, and keep the
        loaded object in step without making it dirty: a flush of the unit of work would cost more than the
        UPDATE itself, once per message."""
        self.session.execute(_UITKOMST, {"b_id": bericht.id, "pogingen": bericht.pogingen, **waarden})
        for kolom, waarde in waarden.items():
            set_committed_value(bericht, kolom, waarde)

    def _markeer(self, ronde: Ronde, onbestelbaar: dict[str, str]) -> None:
        for adres, reden in onbestelbaar.items():
            markeer_onbestelbaar(
                self.session, catalogus=self.catalogus, adres=adres, reden=reden, nu=self.nu, ronde=ronde
            )

    def _claim(self) -> list[int]:
        """Claim the next block of due messages that no live sender holds, in a transaction of its own."""
        echt = datetime.now(UTC)
        vrij = or_(
            Bericht.geclaimd_tot.is_(None), Bericht.geclaimd_tot < echt, Bericht.geclaimd_door.in_(self._verweesd(echt))
        )
        kandidaten = (
            select(Bericht.id)
            .where(*_TE_VERZENDEN, Bericht.verzenden_vanaf <= self.nu, vrij, Bericht.id.not_in(self.geprobeerd))
            .order_by(Bericht.id)
            .limit(BLOK)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            kandidaten = kandidaten.with_for_update(skip_locked=True)
        ids = (
            self.session.execute(
                update(Bericht)
                .where(Bericht.id.in_(kandidaten.scalar_subquery()))
                .values(geclaimd_door=self.houder, geclaimd_tot=echt + LEASE)
                .returning(Bericht.id)
                .execution_options(synchronize_session=False)
            )
            .scalars()
            .all()
        )
        self.session.commit()
        return sorted(ids)

    def _verweesd(self, echt: datetime) -> list[str]:
        """Live claims of senders that ran on this machine and whose process is gone (a crash)."""
        houders = self.session.exec(
            select(Bericht.geclaimd_door).where(*_TE_VERZENDEN, Bericht.geclaimd_tot >= echt).distinct()
        ).all()
        return [h for h in houders if h and _proces_weg(h)]

    def _laad(self, blok: list[int]) -> list[tuple[Bericht, str | None, Ronde]]:
        return list(
            self.session.exec(
                select(Bericht, Verzoek.token, Ronde)
                .join(Ronde, Ronde.id == Bericht.ronde_id)
                .outerjoin(Verzoek, Verzoek.id == Bericht.verzoek_id)
                .where(Bericht.id.in_(blok), Bericht.geclaimd_door == self.houder, *_TE_VERZENDEN)
                .order_by(Bericht.id)
                .execution_options(populate_existing=True)
            ).all()
        )

    def _geef_vrij(self) -> None:
        """Book what this sender sent, and give back whatever it claimed and did not finish, so the next run need
        not wait."""
        try:
            self.session.rollback()
            self._boek([self.houder])
            self.session.execute(
                update(Bericht)
                .where(Bericht.geclaimd_door == self.houder, *_TE_VERZENDEN)
                .values(geclaimd_door=None, geclaimd_tot=None)
                .execution_options(synchronize_session=False)
            )
            self.session.commit()
        except SQLAlchemyError:
            self.session.rollback()  # the database is gone too; the lease will end by itself

    def _boek_achtergelaten(self) -> None:
        """Book the messages that senders which are gone (their lease ended, or their process on this machine)
        sent but did not book."""
        c = _BERICHT.c
        houders = self.session.execute(
            select(c.geclaimd_door, func.max(c.geclaimd_tot) < datetime.now(UTC))
            .where(c.verzonden.is_not(None), c.geclaimd_door.is_not(None))
            .group_by(c.geclaimd_door)
        ).all()
        if weg := [houder for houder, verlopen in houders if verlopen or _proces_weg(houder)]:
            self._boek(weg)
            self.session.commit()

    def _boek(self, houders: list[str]) -> None:
        """Record `bericht-verzonden` for the sent messages these senders still hold, and end their claim on
        them; one UPDATE takes them, so two senders never book the same message."""
        c = _BERICHT.c
        geboekt = self.session.execute(
            update(_BERICHT)
            .where(c.geclaimd_door.in_(houders), c.verzonden.is_not(None))
            .values(geclaimd_door=None, geclaimd_tot=None)
            .returning(c.id, c.ronde_id, c.verzonden)
        ).all()
        if not geboekt:
            return
        rondes = {r.id: r for r in self.session.exec(select(Ronde).where(Ronde.id.in_({g.ronde_id for g in geboekt})))}
        registreer_veel(
            self.session,
            [
                rij(soort="bericht-verzonden", nu=verzonden, ronde=rondes[ronde_id], bericht_id=bericht_id)
                for bericht_id, ronde_id, verzonden in sorted(geboekt)
            ],
        )

    def _alarmeer_storing(self) -> None:
        """Tell the coordinator that mail waits, once an hour at most while the storing lasts."""
        controle.meld_storing(
            self.session,
            inst=self.inst,
            soort="smtp-storing",
            storing=self.verslag.storing,
            titel="SMTP-storing: berichten wachten",
            tekst=f"De SMTP-server {self.inst.smtp_host} weigert: {self.verslag.storing}\n"
            "Alle berichten blijven klaarstaan en gaan uit zodra de server ze weer aanneemt.",
            nu=self.nu,
        )


_TE_VERZENDEN = (Bericht.verzonden.is_(None), Bericht.geweigerd.is_(None))
_BERICHT = Bericht.__table__
_UITKOMST = update(_BERICHT).where(_BERICHT.c.id == bindparam("b_id"))
"""The columns it sets are the parameters it is given; built once, as building it took longer than running it."""


def _wachtend(session: Session, nu: datetime) -> int:
    return session.exec(
        select(func.count()).select_from(Bericht).where(*_TE_VERZENDEN, Bericht.verzenden_vanaf <= nu)
    ).one()


def _proces_weg(houder: str) -> bool:
    machine, _, rest = houder.partition(":")
    pid = rest.partition(":")[0]
    if machine != socket.gethostname()[:60] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _redenen(redenen: dict[str, str]) -> str:
    return "; ".join(f"{adres}: {reden}" for adres, reden in redenen.items())
