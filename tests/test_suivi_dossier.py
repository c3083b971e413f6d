"""The status flow in the engine, as tables: the facts the service would look up are given."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.contenus import Catalogue
from assistant.etat import EtatDialogue
from assistant.faits import DossierVu, Faits
from assistant.moteur import Moteur
from assistant.reponse import TRANSMETTRE, MessageEntrant
from assistant.suivi_dossier import ALERTE, DIVULGUER, ECHEC_CONTROLE

T0 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
APL = DossierVu(
    numero="1234567",
    aide="aide_logement",
    statut="incomplet",
    date_naissance=dt.date(1985, 3, 12),
    pieces_manquantes=("Bail signé",),
    a_un_telephone=True,
)
RSA = DossierVu(numero="7654321", aide="rsa", statut="verse", a_un_telephone=True)


@pytest.fixture(scope="module")
def moteur(catalogue: Catalogue) -> Moteur:
    return Moteur.depuis_catalogue(catalogue)


def du_telephone(*dossiers: DossierVu) -> Faits:
    return Faits(lambda: dossiers)


def test_les_dossiers_ne_sont_cherches_que_pour_une_question_de_dossier(moteur: Moteur) -> None:
    appels = []

    def trouver() -> tuple[DossierVu, ...]:
        appels.append(1)
        return (APL,)

    for texte in ("bonjour", "c'est quoi le rsa", "combien pour l'apl", "menu", "merci"):
        tour(moteur, EtatDialogue(), texte, Faits(trouver))
    assert appels == []
    faits = Faits(trouver)
    decision = tour(moteur, EtatDialogue(), "ou en est mon dossier", faits)
    assert decision.reponse.action(DIVULGUER) is not None
    faits.dossiers_du_telephone  # noqa: B018 - read again: looked up once per turn
    assert appels == [1]


def tour(moteur: Moteur, etat: EtatDialogue, texte: str, faits: Faits | None = None, quand=T0):
    return moteur.decider(etat, MessageEntrant(texte), quand, faits or Faits())


def test_le_telephone_du_dossier_suffit(moteur: Moteur):
    decision = tour(moteur, EtatDialogue(), "ou en est mon dossier", du_telephone(APL))
    assert decision.reponse.natures == ("statut", "alerte_question")
    divulgation = decision.reponse.action(DIVULGUER)
    assert divulgation is not None
    assert (divulgation.motif, divulgation.cible) == ("telephone", "1234567")


def test_plusieurs_dossiers_on_demande_lequel_par_aide(moteur: Moteur):
    decision = tour(moteur, EtatDialogue(), "mon dossier", du_telephone(APL, RSA))
    assert decision.reponse.natures == ("quel_dossier",)
    assert [c.libelle for c in decision.reponse.choix] == ["APL", "RSA"]
    suite = tour(moteur, decision.etat, "2", du_telephone(APL, RSA))
    assert suite.reponse.blocs[0].donnees["dossier"] == RSA


def test_sans_telephone_connu_numero_puis_date(moteur: Moteur):
    etat = tour(moteur, EtatDialogue(), "ou en est mon dossier").etat
    assert etat.attente == "numero_dossier"
    apres_numero = tour(moteur, etat, "1234567", Faits(dossier_cite=APL))
    assert apres_numero.reponse.natures == ("demande_date",)
    for ecriture in ("12/03/1985", "12031985", "12 mars 1985", "né le 12-03-1985"):
        fin = tour(moteur, apres_numero.etat, ecriture, Faits(dossier_cite=APL))
        assert fin.reponse.natures[0] == "statut", ecriture
        action = fin.reponse.action(DIVULGUER)
        assert action is not None and action.motif == "numero_et_date"


def test_le_numero_du_premier_message_sert_sans_redemander(moteur: Moteur):
    decision = tour(moteur, EtatDialogue(), "dossier 1234567", Faits(dossier_cite=APL))
    assert decision.reponse.natures == ("demande_date",)
    d = tour(moteur, EtatDialogue(), "dossier 1234567 ne le 12/03/1985", Faits(dossier_cite=APL))
    assert d.reponse.natures[0] == "statut"


def test_meme_reponse_que_le_numero_existe_ou_non(moteur: Moteur):
    existe = tour(moteur, EtatDialogue(), "dossier 1234567", Faits(dossier_cite=APL))
    inconnu = tour(moteur, EtatDialogue(), "dossier 9999999", Faits())
    assert existe.reponse.natures == inconnu.reponse.natures == ("demande_date",)
    faux = tour(moteur, existe.etat, "01/01/1990", Faits(dossier_cite=APL))
    absent = tour(moteur, inconnu.etat, "01/01/1990", Faits())
    assert faux.reponse.natures == absent.reponse.natures == ("controle_echoue",)
    assert faux.reponse.action(ECHEC_CONTROLE) is not None


def test_trois_echecs_verrouillent_trente_minutes(moteur: Moteur):
    etat = EtatDialogue()
    for _ in range(3):
        etat = tour(moteur, etat, "dossier 1234567", Faits(dossier_cite=APL), T0).etat
        decision = tour(moteur, etat, "01/01/1990", Faits(dossier_cite=APL), T0)
        etat = decision.etat
    assert decision.reponse.natures == ("controle_verrouille",)
    action = decision.reponse.action(TRANSMETTRE)
    assert action is not None and action.motif == "verrou"
    # Even the right date is refused while locked...
    etat_date = tour(moteur, etat, "dossier 1234567", Faits(dossier_cite=APL), T0).etat
    assert etat_date.attente is None
    bloque = tour(moteur, etat, "dossier 1234567 ne le 12/03/1985", Faits(dossier_cite=APL), T0)
    assert bloque.reponse.natures == ("controle_verrouille",)
    # ...and accepted once 30 minutes have passed.
    plus_tard = T0 + dt.timedelta(minutes=31)
    ok = tour(moteur, etat, "dossier 1234567 ne le 12/03/1985", Faits(dossier_cite=APL), plus_tard)
    assert ok.reponse.natures[0] == "statut"


def test_un_numero_verrouille_par_une_autre_conversation(moteur: Moteur):
    echecs = (T0 - dt.timedelta(minutes=5),) * 3
    decision = tour(
        moteur, EtatDialogue(), "dossier 1234567", Faits(dossier_cite=APL, echecs_du_numero=echecs)
    )
    assert decision.reponse.natures == ("controle_verrouille",)


def test_en_attente_du_numero_une_urgence_passe_avant(moteur: Moteur):
    etat = tour(moteur, EtatDialogue(), "ou en est mon dossier").etat
    assert tour(moteur, etat, "je vais me suicider").reponse.intention == "urgence"


def test_en_attente_du_numero_un_message_flou_est_redemande(moteur: Moteur):
    etat = tour(moteur, EtatDialogue(), "ou en est mon dossier").etat
    decision = tour(moteur, etat, "je sais pas ou il est")
    assert decision.reponse.natures == ("rappel_numero",)
    assert tour(moteur, decision.etat, "euh").reponse.natures == ("incompris_conseiller",)


def test_l_alerte_sms_est_proposee_une_fois_et_enregistree(moteur: Moteur):
    decision = tour(moteur, EtatDialogue(), "mon dossier", du_telephone(APL))
    oui = tour(moteur, decision.etat, "1", du_telephone(APL))
    action = oui.reponse.action(ALERTE)
    assert action is not None and (action.motif, action.cible) == ("oui", "1234567")
    deja = DossierVu(**{**APL.__dict__, "alerte_sms": True})
    sans_question = tour(moteur, EtatDialogue(), "mon dossier", du_telephone(deja))
    assert sans_question.reponse.natures == ("statut",)
