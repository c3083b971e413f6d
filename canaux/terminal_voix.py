"""`relais chat --canal voix`: a phone call played in the terminal.

What the voice would say is printed; a line of keys (`1`, `*`, `1234567#`) is typed on the
keypad, any other line is said, an empty line is silence. End of input hangs up.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from assistant.continuite import demarrer_appel
from assistant.service import ServiceDialogue
from canaux.voix_document import TRANSFERER, Appelant, Document, Entree
from canaux.voix_parcours import CANAL, Parcours

INVITE = "vous> "
VOIX = "relais> "
_CLAVIER = set("0123456789*#")


def lire_ligne(ligne: str) -> Entree:
    texte = ligne.strip()
    if not texte:
        return Entree(silence=True)
    if set(texte.replace(" ", "")) <= _CLAVIER:
        return Entree(touches=texte.replace(" ", ""))
    return Entree(parole=texte, confiance=1.0)


def afficher(document: Document, sortie: TextIO) -> None:
    for phrase in document.phrases:
        sortie.write(f"{VOIX}{phrase.texte}\n")
    if document.ecoute is None:
        fin = "transfert vers un conseiller" if document.fin == TRANSFERER else "fin de l'appel"
        sortie.write(f"[{fin}]\n")
    sortie.write("\n")


def appeler(
    service: ServiceDialogue,
    numero: str,
    entree: TextIO = sys.stdin,
    sortie: TextIO = sys.stdout,
) -> int:
    """One call: the greeting, then one line a step until the call ends or input does."""
    appelant = Appelant.depuis(numero, "terminal")

    def montrer_sms(_telephone: str, textes: Sequence[str], _conversation: int | None) -> bool:
        for texte in textes:
            sortie.write(f"[SMS] {texte}\n")
        return True

    parcours = Parcours(service, montrer_sms)
    reprise = demarrer_appel(
        service.moteur_sql, CANAL, appelant.adresse, appelant.telephone, service.horloge()
    )
    etape = parcours.decrocher(reprise)
    interactif = entree.isatty()
    while True:
        afficher(etape.document, sortie)
        if etape.document.ecoute is None:
            return 0
        if interactif:
            sortie.write(INVITE)
            sortie.flush()
        ligne = entree.readline()
        if not ligne:
            return 0
        if not interactif:
            sortie.write(f"{INVITE}{ligne.rstrip()}\n")
        action = lire_ligne(ligne)
        if action.silence and etape.document.sans_reponse:
            afficher(Document(etape.document.sans_reponse), sortie)
            return 0
        etape = parcours.suivre(etape.etat, action, appelant, None)
