import json
from pathlib import Path

import pytest

from assistant.comprehension import Comprehenseur
from assistant.contenus import Catalogue
from assistant.evaluation import evaluer

RACINE = Path(__file__).resolve().parents[1]
DEV = RACINE.parent / "shared" / "evaluation" / "nlu-dev.jsonl"
MAISON = Path(__file__).parent / "donnees" / "nlu-maison.jsonl"


@pytest.fixture(scope="module")
def comprehenseur(catalogue: Catalogue) -> Comprehenseur:
    return Comprehenseur(catalogue)


def _lire(chemin: Path) -> list[dict]:
    return [json.loads(ligne) for ligne in chemin.read_text(encoding="utf-8").splitlines() if ligne]


# Messages written for this table, as people text or speak: typos, no accents, SMS
# spellings, voice transcripts. None comes from an evaluation file.
GENERALISATION = [
    ("Bonjour Madame", "salutation", None),
    ("hello", "salutation", None),
    ("bsr", "salutation", None),
    ("menu svp", "menu", None),
    ("vous etes qui ? vous faites quoi ?", "menu", None),
    ("ALLO euh c'est quoi ce numéro", "menu", None),
    ("kesako le rsa", "info_aide", "rsa"),
    ("des infos sur l'alocation logement", "info_aide", "aide_logement"),
    ("la CMU ça existe encore ?", "info_aide", "css"),
    ("c koi la paje", "info_aide", "paje"),
    ("expliquer moi le fsl svp", "info_aide", "fsl"),
    ("prestation compensation handicap", "info_aide", "pch"),
    ("nounou aide caf c'est quoi", "info_aide", "cmg"),
    ("est-ce que j'y ai droit au rsa moi", "eligibilite", "rsa"),
    ("jai 62 ans et une petite pension, l'aspa cest possible", "eligibilite", "aspa"),
    ("mon fils est autiste on peut avoir l'aeeh ?", "eligibilite", "aeeh"),
    ("je vis en couple on a droit a la prime d'activité ?", "eligibilite", "prime_activite"),
    ("les conditions pour l'allocation de soutien familial", "eligibilite", "asf"),
    ("proprietaire est ce que jai droit a l'apl", "eligibilite", "aide_logement"),
    ("la bourse c pour qui", "eligibilite", "bourse_etudiant"),
    ("le plafond pour le cheque energie", "eligibilite", "cheque_energie"),
    ("combien on touche pour le minimum vieillesse", "montant", "aspa"),
    ("ca fait cb la prime de naissance", "montant", "paje"),
    ("montant de l'allocation adulte handicapé 2025", "montant", "aah"),
    ("la bourse du crous c'est combien par an", "montant", "bourse_etudiant"),
    ("quel est le montant de l'apa à domicile", "montant", "apa"),
    ("combien donne le cheque energie", "montant", "cheque_energie"),
    ("je fais comment pour demander la css", "demarche", "css"),
    ("ou on depose le dossier pour la pch", "demarche", "pch"),
    ("inscription prime d'activité", "demarche", "prime_activite"),
    ("comment je demande l'allocation de rentrée", "demarche", "ars"),
    ("faut faire quoi pour avoir l'ass", "demarche", "ass"),
    (
        "je voudrais faire une demande de logement social aide au logement",
        "demarche",
        "aide_logement",
    ),
    ("quels papiers faut il pour la domiciliation", "pieces", "domiciliation"),
    ("documents à fournir pour l'aah", "pieces", "aah"),
    ("il faut quoi comme justificatif pour le cmg", "pieces", "cmg"),
    ("liste des pièces pour le rsa", "pieces", "rsa"),
    ("mon dossier de prime d'activité en est où", "statut_dossier", "prime_activite"),
    ("toujours pas de réponse de la mdph pour l'aah", "statut_dossier", "aah"),
    ("mon rsa a été suspendu pourquoi", "statut_dossier", "rsa"),
    ("numero allocataire 2345678 ne le 04/05/1979", "statut_dossier", None),
    ("quand est ce que les apl vont etre versees", "statut_dossier", "aide_logement"),
    ("ils ont bien recu mon dossier ?", "statut_dossier", None),
    ("le tel de la caf svp", "contact", None),
    ("la mdph est ouverte le samedi ?", "contact", None),
    ("mail de la cpam", "contact", None),
    ("ou se trouve le ccas", "contact", None),
    ("je suis seule avec 3 enfants je m'en sors pas", "orientation", None),
    ("etudiante sans ressources quelles aides", "orientation", None),
    ("mon mari est décédé j'ai droit à quoi", "orientation", None),
    ("besoin d'aide pour payer le chauffage", "orientation", None),
    ("je veux parler a un humain pas un robot", "conseiller", None),
    ("conseiller svp", "conseiller", None),
    ("euh je voudrais parler à quelqu'un", "conseiller", None),
    ("mon ex me tape dessus", "urgence", None),
    ("j'en peux plus je veux mourir", "urgence", None),
    ("on a été expulsés ce matin on est à la rue", "urgence", None),
    ("ma voisine bat son fils", "urgence", None),
    ("pas mangé depuis 2 jours", "urgence", None),
    ("le 115 ne répond pas et il fait froid", "urgence", None),
    ("STOP SMS", "stop", None),
    ("je ne veux plus recevoir vos messages", "stop", None),
    ("merci madame bonne journée", "remerciement", None),
    ("dac merci", "remerciement", None),
    ("ok super", "remerciement", None),
    ("c'est qui le président", "hors_sujet", None),
    ("une recette de gâteau", "hors_sujet", None),
    ("le 115 c'est quoi", "info_aide", None),
    ("aide d'urgence du ccas", "info_aide", "aide_ccas"),
    ("je voudrais prendre rendez vous à la caf", "contact", None),
    (
        "Bonjour, je me permets de vous écrire car je souhaiterais connaître le montant"
        " de l'allocation aux adultes handicapés",
        "montant",
        "aah",
    ),
    (
        "oui bonjour alors voilà euh ma mère elle a 82 ans et euh elle peut plus rester"
        " seule chez elle est-ce qu'il y a l'APA pour elle",
        "eligibilite",
        "apa",
    ),
    (
        "ça fait 3 mois que j'attends ma prime d'activité c'est une honte",
        "statut_dossier",
        "prime_activite",
    ),
    ("VOUS POUVEZ ME DIRE OU EN EST MON DOSSIER APL", "statut_dossier", "aide_logement"),
    ("les papiers qu'il faut pour la bourse du crous", "pieces", "bourse_etudiant"),
    ("j'ai reçu un courrier de la caf je comprends rien", "conseiller", None),
    ("je voudrais m'inscrire pour l'aspa", "demarche", "aspa"),
    ("slt c combien les alloc familial pour 2 enfant", "montant", "allocations_familiales"),
    ("l'adresse de france travail svp", "contact", None),
    ("je suis mère célibataire le père paie pas la pension", "orientation", None),
    (
        "est ce qu'on peut avoir l'allocation de soutien familial si le papa paye pas",
        "eligibilite",
        "asf",
    ),
    (
        "comment faire pour avoir une adresse pour mon courrier je suis hébergé chez des amis",
        "demarche",
        "domiciliation",
    ),
    ("fsl c quoi", "info_aide", "fsl"),
    ("je veux la mutuelle gratuite comment je fais", "demarche", "css"),
    ("la prime de rentrée scolaire elle tombe quand", "statut_dossier", "ars"),
    ("bonsoir tout le monde", "salutation", None),
    ("merci infiniment vous m'avez bien aidé", "remerciement", None),
    ("je veux plus de vos textos", "stop", None),
    ("une vraie personne svp je comprends rien", "conseiller", None),
    ("mon copain me tape et j'ai peur", "urgence", None),
    ("on a plus de logement on dort chez personne ce soir", "urgence", None),
    ("je pense que je vais me tuer ce soir", "urgence", None),
    ("le chèque énergie 2025 c'est combien", "montant", "cheque_energie"),
    ("je vais avoir un bébé en mai, la caf donne quoi", "orientation", None),
    ("quels sont vos horaires", "contact", None),
    ("c'est quoi la différence entre apl et als", "info_aide", "aide_logement"),
    ("pch pour mon fils autiste de 25 ans conditions", "eligibilite", "pch"),
    ("la pizza la plus proche", "hors_sujet", None),
    ("quel temps demain à marseille", "hors_sujet", None),
    ("c'est gratuit ce service ?", "menu", None),
]


@pytest.mark.parametrize(("texte", "intention", "aide"), GENERALISATION)
def test_generalisation(
    comprehenseur: Comprehenseur, texte: str, intention: str, aide: str | None
) -> None:
    compris = comprehenseur.comprendre(texte)
    assert (compris.intention, compris.aide) == (intention, aide)


@pytest.mark.parametrize(
    ("texte", "situation"),
    [
        ("je vais me foutre en l'air", "suicide"),
        ("jveux plus vivre", "suicide"),
        ("j'ai envie de me suicidé", "suicide"),
        ("ce soir je vais en finir", "suicide"),
        ("mon copain ma frappé", "violence"),
        ("il me bat depuis des années", "violence"),
        ("ma femme me frappe", "violence"),
        ("il ma étranglé hier", "violence"),
        ("mon beau père touche ma fille", "enfant"),
        ("ma fille de 15 ans a fugué", "enfant"),
        ("on dort dans la voiture depuis 3 jours", "abri"),
        ("jai nul part ou aller ce soir", "abri"),
        ("mon mari ma mise dehors avec les enfants", "abri"),
        ("je suis sdf", "abri"),
        ("mes gosses ont faim", "faim"),
        ("on a plus rien a manger", "faim"),
        ("ma mère est maltraitée à l'ehpad", "maltraitance"),
        ("mon bébé ne respire plus", "medical"),
        ("au secours", None),
        ("jsuis en danger aidez moi", None),
        ("appelez la police", None),
        ("c'est urgent", None),
    ],
)
def test_urgence(comprehenseur: Comprehenseur, texte: str, situation: str | None) -> None:
    compris = comprehenseur.comprendre(texte)
    assert compris.intention == "urgence"
    assert compris.situation_urgence == situation


@pytest.mark.parametrize(
    "texte",
    [
        "le 115 c'est quoi",
        "c'est quoi le numéro du 3919",
        "aide d'urgence du ccas",
        "c'est urgent pour mon dossier rsa",
        "je voudrais prendre rendez-vous",
        "j'ai frappé à la porte de la caf",
        "ma caf ne répond pas",
        "mon dossier est en danger d'être refusé ?",
        "je suis menacée d'expulsion, le fsl peut m'aider ?",
        "colis alimentaire ccas",
        "je n'ai plus de revenu",
        "faire garder mon bébé",
    ],
)
def test_pas_urgence(comprehenseur: Comprehenseur, texte: str) -> None:
    assert comprehenseur.comprendre(texte).intention != "urgence"


@pytest.mark.parametrize(
    ("texte", "aide"),
    [
        ("alocation familliale", "allocations_familiales"),
        ("lalocation logement", "aide_logement"),
        ("allocassion logement", "aide_logement"),
        ("c koi lapl", "aide_logement"),
        ("prime dactiviter", "prime_activite"),
        ("prim d'activiter", "prime_activite"),
        ("complemantaire santé solidaire", "css"),
        ("bourse etudiente", "bourse_etudiant"),
        ("cheke energie", "cheque_energie"),
    ],
)
def test_fautes_de_frappe(comprehenseur: Comprehenseur, texte: str, aide: str) -> None:
    assert comprehenseur.comprendre(texte).aide == aide


def test_plusieurs_aides_possibles(comprehenseur: Comprehenseur) -> None:
    compris = comprehenseur.comprendre("montant de la prime")
    assert compris.intention == "montant"
    assert compris.aide is None
    assert set(compris.aides_candidates) == {"prime_activite", "paje", "ars"}


def test_une_seule_aide_pas_de_candidates(comprehenseur: Comprehenseur) -> None:
    assert comprehenseur.comprendre("c est combien le rsa").aides_candidates == ()


def test_entites_dans_la_comprehension(comprehenseur: Comprehenseur) -> None:
    compris = comprehenseur.comprendre("mon dossier 7654321, née le 14 juillet 1989")
    assert compris.intention == "statut_dossier"
    assert compris.entites.numero_dossier == "7654321"
    assert str(compris.entites.date_naissance) == "1989-07-14"


@pytest.mark.parametrize("texte", ["", "   ", "🙂", "...", "a" * 5000, "1 2 3 " * 300])
def test_messages_etranges(comprehenseur: Comprehenseur, texte: str) -> None:
    compris = comprehenseur.comprendre(texte)
    assert 0.0 <= compris.confiance <= 1.0


def test_confiance_entre_0_et_1(comprehenseur: Comprehenseur) -> None:
    for texte, _, _ in GENERALISATION:
        assert 0.0 <= comprehenseur.comprendre(texte).confiance <= 1.0


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} absent")
def test_objectifs_sur_le_jeu_de_developpement(comprehenseur: Comprehenseur) -> None:
    resultat = evaluer(_lire(DEV), comprehenseur)
    assert resultat["intention"] >= 0.92, resultat["erreurs"]
    assert resultat["aide"] >= 0.92, resultat["erreurs"]
    assert resultat["urgence_rappel"] == 1.0, resultat["erreurs"]
    assert resultat["urgence_precision"] >= 0.95, resultat["erreurs"]


def test_objectif_sur_nos_propres_messages(comprehenseur: Comprehenseur) -> None:
    resultat = evaluer(_lire(MAISON), comprehenseur)
    assert resultat["total"] >= 80
    assert resultat["intention"] >= 0.85, resultat["erreurs"]
    assert resultat["urgence_rappel"] == 1.0, resultat["erreurs"]
