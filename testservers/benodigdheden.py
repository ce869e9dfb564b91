"""What tests need beyond Python: programs from Debian packages, installed with apt-get on first use when this
machine allows it (root, or sudo without a password), otherwise a clear error naming the command to run."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable

SYSTEEMPAD = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def zorg_voor_dovecot(melding: Callable[[str], None] = print) -> str:
    """The path of `dovecot`, for the IMAP tests."""
    return zorg_voor({"dovecot": "dovecot-imapd"}, melding)["dovecot"]


def zorg_voor_chromium(melding: Callable[[str], None] = print) -> dict[str, str]:
    """The paths of `chromium` and `chromedriver`, for tests that drive a browser."""
    return zorg_voor({"chromium": "chromium", "chromedriver": "chromium-driver"}, melding)


def zorg_voor(programmas: dict[str, str], melding: Callable[[str], None] = print) -> dict[str, str]:
    """The path of each program (name -> the Debian package that has it); missing packages are installed."""
    ontbrekend = [pakket for programma, pakket in programmas.items() if not vind(programma)]
    if ontbrekend:
        installeer(ontbrekend, melding)
    paden = {programma: vind(programma) for programma in programmas}
    if missen := [programma for programma, pad in paden.items() if not pad]:
        raise RuntimeError(f"{', '.join(missen)} still missing after installing {' '.join(ontbrekend)}")
    return paden


def vind(programma: str) -> str | None:
    """The program on PATH, or in the system folders (/usr/sbin is not on a normal user's PATH)."""
    return shutil.which(programma) or shutil.which(programma, path=SYSTEEMPAD)


def installeer(pakketten: list[str], melding: Callable[[str], None] = print) -> None:
    """Install Debian packages with apt-get, as root or through sudo without a password; else fail."""
    namen = " ".join(pakketten)
    als = _beheerder()
    if als is None or not vind("apt-get"):
        raise RuntimeError(
            f"The tests need the Debian package(s) {namen}, which are not installed, and cannot install them "
            f"here (not root, no sudo without a password, or no apt-get). Run once:\n"
            f"    sudo apt-get install -y --no-install-recommends {namen}"
        )
    melding(f"Installing {namen} for the tests: apt-get update && apt-get install {namen} ...")
    _apt_get(als, "update", "-qq")
    _apt_get(als, "install", "-y", "-qq", "--no-install-recommends", *pakketten)


def _beheerder() -> list[str] | None:
    """The prefix that runs a command as root: nothing as root, sudo when it needs no password, else None."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def _apt_get(als: list[str], *argumenten: str) -> None:
    # no questions (CI has no stdin), and wait for another apt-get instead of failing on its lock
    opdracht = [*als, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-o", "DPkg::Lock::Timeout=300"]
    uitkomst = subprocess.run([*opdracht, *argumenten], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if uitkomst.returncode != 0:
        raise RuntimeError(
            f"apt-get {' '.join(argumenten)} failed:\n{uitkomst.stdout[-2000:]}{uitkomst.stderr[-2000:]}"
        )
