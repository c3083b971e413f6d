"""The engine as tables: (state, message) -> decision, with understanding given by a table."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.comprehension import Comprehension
from assistant.contenus import Catalogue
from assistant.etat import EtatDialogue
from assistant.faits import Faits
from assistant.moteur import Moteur
from assistant.reponse import (
    DESABONNER,
    PRIORITE_URGENCE,
    REABONNER,
    TRANSMETTRE,
    Choix,
    MessageEntrant,
)

MAINTENANT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)

# What the understanding says of each test message: the engine is tested on its own.
COMPRIS = {
    "bonjour": Comprehension("salutation", None, 0.95),
    "menu": Comprehension("menu", None, 1.0),
    "le rsa c est quoi": Comprehension("info_aide", "rsa", 0.9),
    "et combien": Comprehension("montant", None, 0.8),
    "et les papiers": Comprehension("pieces", None, 0.8),
    "comment on fait": Comprehension("demarche", None, 0.7),
    "c'est combien l'apl": Comprehension("montant", "aide_logement", 0.9),
    "allocation handicape": Comprehension(
        "info_aide", "aah", 0.6, aides_candidates=("aah", "aeeh", "pch")
    ),
    "je veux mourir": Comprehension("urgence", None, 0.99, situation_urgence="suicide"),
    "au secours": Comprehension("urgence", None, 0.9),
    "stop": Comprehension("stop", None, 1.0),
    "conseiller": Comprehension("conseiller", None, 1.0),
    "blabla": Comprehension("hors_sujet", None, 0.1),
    "la meteo demain": Comprehension("hors_sujet", None, 0.9),
    "merci": Comprehension("remerciement", None, 0.9),
    "ou en est mon dossier": Comprehension("statut_dossier", None, 0.9),
    "j'ai droit a quoi": Comprehension("orientation", None, 0.9),
    "numero de la caf": Comprehension("contact", None, 0.9),
}


class Table:
    def comprendre(self, texte: str) -> Comprehension:
        return COMPRIS[texte]


@pytest.fixture
def moteur(catalogue: Catalogue) -> Moteur:
    return Moteur(catalogue, Table())


def jouer(moteur: Moteur, *messages: str, etat: EtatDialogue | None = None):
    etat = etat or EtatDialogue()
    decision = None
    for texte in messages:
        decision = moteur.decider(etat, MessageEntrant(texte), MAINTENANT)
        etat = decision.etat
    assert decision is not None
    return decision


@pytest.mark.parametrize(
    ("messages", "natures", "aide"),
    [
        (["bonjour"], ("salutation", "menu"), None),
        (["menu"], ("menu",), None),
        ([""], ("vide", "menu"), None),
        (["   "], ("vide", "menu"), None),
        (["le rsa c est quoi"], ("info_aide",), "rsa"),
        (["le rsa c est quoi", "et combien"], ("montant",), "rsa"),
        (["le rsa c est quoi", "et combien", "et les papiers"], ("pieces",), "rsa"),
        (["c'est combien l'apl", "comment on fait"], ("demarche",), "aide_logement"),
        (["et combien"], ("quelle_aide",), None),
        (["allocation handicape"], ("quelle_aide_parmi",), None),
        (["allocation handicape", "2"], ("info_aide",), "aeeh"),
        (["et combien", "1"], ("montant",), "rsa"),
        (["la meteo demain"], ("hors_sujet",), None),
        (["blabla"], ("incompris",), None),
        (["blabla", "blabla"], ("incompris_conseiller",), None),
        (["merci"], ("remerciement",), None),
        (["ou en est mon dossier"], ("demande_numero",), None),
        (["j'ai droit a quoi"], ("orientation",), None),
        (["numero de la caf"], ("contact_general",), None),
        (["le rsa c est quoi", "numero de la caf"], ("contact",), "rsa"),
    ],
)
def test_conversations(moteur: Moteur, messages: list[str], natures: tuple, aide: str | None):
    reponse = jouer(moteur, *messages).reponse
    assert reponse.natures == natures
    assert reponse.blocs[0].aide == aide


def test_le_menu_propose_des_choix_numerotes_et_un_chiffre_y_repond(moteur: Moteur):
    decision = jouer(moteur, "menu")
    valeurs = [c.valeur for c in decision.reponse.choix]
    assert valeurs == ["menu:aide", "menu:dossier", "menu:orientation", "menu:conseiller"]
    assert jouer(moteur, "1", etat=decision.etat).reponse.natures == ("quelle_aide",)
    assert jouer(moteur, "2", etat=decision.etat).reponse.natures == ("demande_numero",)
    conseiller = jouer(moteur, "4", etat=decision.etat).reponse
    assert conseiller.action(TRANSMETTRE) is not None


def test_zero_dans_un_menu_demande_un_conseiller(moteur: Moteur):
    etat = jouer(moteur, "menu").etat
    reponse = jouer(moteur, "0", etat=etat).reponse
    action = reponse.action(TRANSMETTRE)
    assert action is not None and action.motif == "demande"


def test_un_nombre_hors_des_choix_n_est_pas_un_choix(moteur: Moteur):
    etat = EtatDialogue(choix=(Choix("aide:rsa", "RSA"),))
    with pytest.raises(KeyError):
        # "7" is not one of the choices: it goes to understanding (absent from the table).
        jouer(moteur, "7", etat=etat)


def test_apres_une_aide_les_suites_sont_proposees(moteur: Moteur):
    decision = jouer(moteur, "le rsa c est quoi")
    libelles = [c.valeur for c in decision.reponse.choix]
    assert "intention:montant" in libelles and "intention:info_aide" not in libelles
    rang = libelles.index("intention:pieces") + 1
    suite = jouer(moteur, str(rang), etat=decision.etat).reponse
    assert suite.natures == ("pieces",) and suite.aide == "rsa"


def test_un_bouton_vaut_un_chiffre(moteur: Moteur):
    decision = moteur.decider(
        EtatDialogue(intention_en_attente="montant"),
        MessageEntrant("", choix="aide:css"),
        MAINTENANT,
    )
    assert decision.reponse.natures == ("montant",) and decision.reponse.aide == "css"


def test_urgence_donne_les_numeros_et_transmet_en_priorite(moteur: Moteur):
    reponse = jouer(moteur, "je veux mourir").reponse
    numeros = [n.numero for n in reponse.blocs[0].donnees["numeros"]]
    assert numeros[0] == "3114"
    action = reponse.action(TRANSMETTRE)
    assert action is not None
    assert (action.motif, action.priorite) == ("urgence", PRIORITE_URGENCE)


def test_urgence_sans_situation_donne_les_numeros_generaux(moteur: Moteur):
    reponse = jouer(moteur, "au secours").reponse
    assert [n.numero for n in reponse.blocs[0].donnees["numeros"]] == ["112", "114"]


def test_urgence_passe_avant_un_choix_en_attente(moteur: Moteur):
    etat = jouer(moteur, "menu").etat
    assert jouer(moteur, "je veux mourir", etat=etat).reponse.intention == "urgence"


def test_stop_et_start(moteur: Moteur):
    assert jouer(moteur, "stop").reponse.action(DESABONNER) is not None
    for mot in ("START", "start", "Start !"):
        apres_stop = moteur.decider(
            EtatDialogue(), MessageEntrant(mot), MAINTENANT, Faits(desabonne=True)
        )
        assert apres_stop.reponse.action(REABONNER) is not None
        # START from someone who never said STOP (Telegram's /start) is a greeting.
        assert jouer(moteur, mot).reponse.natures == ("salutation", "menu")


def test_deux_incompris_proposent_un_conseiller_et_oui_transmet(moteur: Moteur):
    decision = jouer(moteur, "blabla", "blabla")
    assert [c.valeur for c in decision.reponse.choix] == ["conseiller:oui", "conseiller:non"]
    oui = jouer(moteur, "1", etat=decision.etat).reponse
    assert oui.action(TRANSMETTRE) is not None
    non = jouer(moteur, "2", etat=decision.etat).reponse
    assert non.natures == ("conseiller_refuse",) and not non.actions


@pytest.mark.parametrize(("mot", "transmis"), [("oui", True), ("Oui !", True), ("non", False)])
def test_oui_ou_non_en_toutes_lettres(moteur: Moteur, mot: str, transmis: bool):
    decision = jouer(moteur, "blabla", "blabla")
    reponse = jouer(moteur, mot, etat=decision.etat).reponse
    assert (reponse.action(TRANSMETTRE) is not None) is transmis
    assert reponse.natures == (("conseiller",) if transmis else ("conseiller_refuse",))


def test_un_message_compris_remet_le_compte_des_incompris_a_zero(moteur: Moteur):
    decision = jouer(moteur, "blabla", "merci", "blabla")
    assert decision.reponse.natures == ("incompris",)


def test_l_etat_survit_au_json(moteur: Moteur):
    etat = jouer(moteur, "le rsa c est quoi").etat
    assert EtatDialogue.depuis_json(etat.vers_json()) == etat


def test_un_etat_deja_ecrit_se_relit_sans_analyse_et_reste_le_meme():
    etat = EtatDialogue(aide="rsa", intention="montant", choix=(Choix("1", "Le montant"),))
    texte = etat.vers_json()
    assert EtatDialogue.depuis_json(texte) is etat
    # Another conversation in the same state writes the same text.
    assert EtatDialogue(aide="rsa", intention="montant", choix=(Choix("1", "Le montant"),)
                        ).vers_json() == texte  # fmt: skip
    # Free-form data is part of the state: two states differing only there differ in text.
    avec = etat.evoluer(donnees={"numero": "A1"})
    assert avec.vers_json() != texte
    assert EtatDialogue.depuis_json(avec.vers_json()) == avec
    assert EtatDialogue.depuis_json(texte).donnees == {}
