"""The terminal channel: a conversation typed (or piped) in a shell, rendered as a channel would."""

from __future__ import annotations

import sys
from typing import TextIO

from assistant.service import Entrant, ServiceDialogue, Sortie

INVITE = "vous> "


def afficher(sorties: tuple[Sortie, ...], canal: str, sortie: TextIO) -> None:
    for message in sorties:
        sortie.write(message.texte + "\n")
        if canal == "sms":
            sortie.write(f"  [{message.encodage}, {message.segments} segment(s)]\n")
        sortie.write("\n")


def converser(
    service: ServiceDialogue,
    canal: str,
    adresse: str,
    entree: TextIO = sys.stdin,
    sortie: TextIO = sys.stdout,
) -> int:
    """One message a line until end of input; prompts only when a person is typing."""
    interactif = entree.isatty()
    while True:
        if interactif:
            sortie.write(INVITE)
            sortie.flush()
        ligne = entree.readline()
        if not ligne:
            return 0
        texte = ligne.rstrip("\n")
        if not interactif:
            sortie.write(f"{INVITE}{texte}\n")
        tour = service.traiter(Entrant(canal=canal, adresse=adresse, texte=texte))
        afficher(tour.sorties, canal, sortie)
