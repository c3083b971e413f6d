import json
from pathlib import Path

import pytest

from assistant.comprehension import Comprehenseur
from assistant.contenus import Catalogue
from assistant.evaluation import evaluer

RACINE = Path(__file__).resolve().parents[1]
DEV = RACINE.parent / "shared" / "evaluation" / "nlu-dev.jsonl"
MAISON = Path(__file__).parent / "donnees" / "nlu-maison.jsonl"
# Written blind, before looking at what the understanding made of them: people of every
# kind (older people, newcomers, students, parents, disabled people), SMS spellings,
# voice transcripts, follow-ups that rely on the conversation, traps. Not from a dev file.
MAISON_2 = Path(__file__).parent / "donnees" / "nlu-maison-2.jsonl"
# Written blind by someone who had read only the taxonomy and DOMAINE.md, never the lexicon:
# 300 messages. Before any change made for it: intent 85.7 %, aid 96.0 %, urgence recall 90 %.
MAISON_3 = Path(__file__).parent / "donnees" / "nlu-maison-3.jsonl"
# Also blind, other voices: older people's voice transcripts, newcomers writing little French
# or English, hurried texters; 200 messages. Before any change made for it (and after those
# made for the third set): intent 77.5 %, aid 95.0 %, urgence recall 78.6 %, precision 84.6 %.
MAISON_4 = Path(__file__).parent / "donnees" / "nlu-maison-4.jsonl"
# Blind again, once the changes made for the third and fourth sets were done, to measure
# them honestly: carers, farmers, students, people in debt; 200 messages. First reading:
# intent 86.5 % (80.5 % with the understanding of the morning), aid 97.0 %, urgence recall
# 78.6 %, precision 84.6 %.
MAISON_5 = Path(__file__).parent / "donnees" / "nlu-maison-5.jsonl"
# Blind, on distress alone: 70 messages in danger now, 50 with alarming words and none
# (past events, figures of speech, questions about helplines). First reading: urgence
# recall 58.6 %, precision 74.5 %: the safety net is the weakest part of the understanding.
URGENCES = Path(__file__).parent / "donnees" / "nlu-urgences-blind.jsonl"
# A second one (45 in danger, 35 not), written at the end of the session that learnt the
# first and left unlearnt until the next: recall 68.9 %, precision 83.8 % (55.6 % and
# 75.8 % before that session).
URGENCES_2 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-2.jsonl"
# A third (60 in danger, 50 not: fire and gas, falls, burns, people held behind a locked
# door, past dangers told to ask about an aid). First reading: recall 61.7 %, precision
# 78.7 %; 65.0 % and 79.6 % once the second was learnt: rules learnt on one set carry over
# little to the next.
URGENCES_3 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-3.jsonl"
# A fourth (55 in danger, 45 not), written while the third was being learnt and read only
# once it was: recall 74.6 %, precision 89.1 % on first reading (58.2 % and 78.0 % with
# the understanding of that morning).
URGENCES_4 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-4.jsonl"
# A fifth (55 in danger, 45 not), read once the fourth was learnt: recall 81.8 %,
# precision 88.2 % (54.5 % and 75.0 % with the understanding of that morning).
URGENCES_5 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-5.jsonl"
# A sixth (55 in danger, 45 not), read once the fifth was learnt: recall 81.8 %,
# precision 86.5 % (61.8 % and 75.6 % with the understanding of that morning).
URGENCES_6 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-6.jsonl"
# A seventh (45 in danger, 35 not; phonetic spellings, letters), read once the sixth was
# learnt: recall 86.7 %, precision 92.9 % (66.7 % and 73.2 % that morning).
URGENCES_7 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-7.jsonl"
URGENCES_8 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-8.jsonl"
URGENCES_9 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-9.jsonl"
URGENCES_10 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-10.jsonl"
URGENCES_11 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-11.jsonl"
URGENCES_12 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-12.jsonl"
# Blind, 110 messages, 60 in danger (a "bêtise" to come, farewells written, blows that
# start again, a threat at the door, a child who cannot go home, hunger counted in days)
# and 50 close to it (a film, hunger before lunch, "à ce rythme"). First reading: urgence
# recall 78.3 %, precision 92.2 %; intent 80.9 %.
URGENCES_13 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-13.jsonl"
# Blind, 110 messages, 60 in danger told by those easy to miss (a calm old lady, a deaf
# person, a carer, slang, dictation, the danger after an administrative question) and 50
# close to it. First reading: urgence recall 71.7 %, precision 87.8 %; intent 70.0 %.
URGENCES_14 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-14.jsonl"
# Blind, 100 messages, 55 in danger (a pregnancy going wrong, a psychiatric crisis, a
# threat by message, someone trapped) and 45 close to it. First reading: urgence recall
# 76.4 % (74.6 % with this morning's code), precision 95.5 %; intent 78.0 %.
URGENCES_15 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-15.jsonl"
URGENCES_18 = Path(__file__).parent / "donnees" / "nlu-urgences-blind-18.jsonl"
# Blind, general: disabled people and carers, people leaving prison or hospital, young
# people, limited French, fragments answering a question; 200 messages. First reading:
# intent 91.0 %, aid 98.5 %, urgence recall 90.0 %, precision 90.0 %.
MAISON_6 = Path(__file__).parent / "donnees" / "nlu-maison-6.jsonl"
# Blind, general, read at the same time: large families, grandparents, widows, gig
# workers, travellers, overseas, fragments, negations. First reading: intent 87.5 %, aid
# 98.0 %, urgence recall 80.0 %, precision 88.9 %.
MAISON_7 = Path(__file__).parent / "donnees" / "nlu-maison-7.jsonl"
# Blind, general, read with the sixth distress set: newcomers, farmers, guardianship, long
# life stories with the question at the end. First reading: intent 85.0 % (84.5 % that
# morning), aid 98.0 %, urgence recall 90.0 %, precision 90.0 % (75.0 % that morning).
MAISON_8 = Path(__file__).parent / "donnees" / "nlu-maison-8.jsonl"
# Blind, general, 150 messages read with the seventh distress set (phonetic spelling, two
# languages, letters): intent 90.0 % (88.7 % that morning), aid 96.0 %.
MAISON_9 = Path(__file__).parent / "donnees" / "nlu-maison-9.jsonl"
MAISON_10 = Path(__file__).parent / "donnees" / "nlu-maison-10.jsonl"
MAISON_11 = Path(__file__).parent / "donnees" / "nlu-maison-11.jsonl"
MAISON_12 = Path(__file__).parent / "donnees" / "nlu-maison-12.jsonl"
MAISON_13 = Path(__file__).parent / "donnees" / "nlu-maison-13.jsonl"
MAISON_14 = Path(__file__).parent / "donnees" / "nlu-maison-14.jsonl"
# Blind, general, read with the thirteenth distress set: incomes given in figures, several
# topics, "j'ai droit à quoi". First reading: intent 92.0 %, aid 96.5 %.
MAISON_15 = Path(__file__).parent / "donnees" / "nlu-maison-15.jsonl"
# Blind, general, read with the fourteenth distress set: people following their own file,
# "pourquoi j'ai pas eu", a renewal, a claim to pay back. First reading: intent 90.5 %
# (90.0 % with this morning's code), aid 96.5 %.
MAISON_16 = Path(__file__).parent / "donnees" / "nlu-maison-16.jsonl"
# Blind, general, 150 messages: voice dictation, very short messages, letters. First
# reading: intent 96.0 %, aid 95.3 % (the same with this morning's code).
MAISON_17 = Path(__file__).parent / "donnees" / "nlu-maison-17.jsonl"
MAISON_18 = Path(__file__).parent / "donnees" / "nlu-maison-18.jsonl"


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
    # A danger of another moment, told to ask about an aid: the question is the request
    # (the same story that says the danger goes on stays an emergency: see below).
    ("mon ex me menaçait mais c'est fini, j'ai droit à l'asf ?", "eligibilite", "asf"),
    ("agressée en 2021, handicapée depuis, c'est quoi l'aah ?", "info_aide", "aah"),
    ("après un infarctus je peux plus travailler, l'aah c'est combien ?", "montant", "aah"),
    ("j'ai vécu la rue il y a six ans, je cherche la caf de Lyon", "contact", None),
    ("mon frère s'est pendu l'an dernier, sa femme a droit à quoi ?", "orientation", None),
    # A habit, or a helpline asked about for others.
    ("en fin de mois on a faim, le colis du ccas c'est pour qui ?", "eligibilite", "aide_ccas"),
    ("je suis éducatrice, le 3919 est joignable le week-end ?", "contact", None),
    ("quel est le numéro d'écoute pour les victimes, pour nos résidents", "contact", None),
    ("partie de chez lui, hébergée chez ma tante, je veux parler à quelqu'un", "conseiller", None),
    # "quand" that sets a condition is no question of date; "toujours", "quand même": still
    # entitled?
    ("la css, on y a droit quand on a un petit salaire ?", "eligibilite", "css"),
    ("on a toujours l'asf si je me remets en couple ?", "eligibilite", "asf"),
    ("il pourra avoir la pch même à la maison ?", "eligibilite", "pch"),
    ("la cmu ça existe encore ?", "info_aide", "css"),
    ("je sors de prison, par où je commence ?", "orientation", None),
    ("le secours d'urgence du ccas c'est pour qui ?", "eligibilite", "aide_ccas"),
    ("il me battait, en foyer y a 2 mois, quels papiers pour la css", "pieces", "css"),
    ("mon mari est parti, il y a d'autres aides pour moi ?", "orientation", None),
    ("where do i apply for the rsa", "demarche", "rsa"),
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


def test_un_texte_qui_revient_est_lu_une_seule_fois(catalogue: Catalogue) -> None:
    comprehenseur = Comprehenseur(catalogue, lectures_gardees=2)
    premiere = comprehenseur.comprendre("jai droit au rsa ?")
    assert premiere.intention == "eligibilite" and premiere.aide == "rsa"
    assert comprehenseur.comprendre("jai droit au rsa ?") is premiere
    # Two other texts push it out: it is read again, to the same reading.
    comprehenseur.comprendre("merci")
    comprehenseur.comprendre("c koi l apl")
    relue = comprehenseur.comprendre("jai droit au rsa ?")
    assert relue == premiere and relue is not premiere
    # A long text is never kept.
    long = "bonjour " * 30 + "combien on touche avec la prime d'activite"
    assert comprehenseur.comprendre(long).intention == "montant"
    assert comprehenseur.comprendre(long) is not comprehenseur.comprendre(long)


def test_sans_memoire_chaque_texte_est_relu(catalogue: Catalogue) -> None:
    comprehenseur = Comprehenseur(catalogue, lectures_gardees=0)
    premiere = comprehenseur.comprendre("jai droit au rsa ?")
    assert comprehenseur.comprendre("jai droit au rsa ?") is not premiere


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} absent")
def test_objectifs_sur_le_jeu_de_developpement(comprehenseur: Comprehenseur) -> None:
    resultat = evaluer(_lire(DEV), comprehenseur)
    assert resultat["intention"] >= 0.92, resultat["erreurs"]
    assert resultat["aide"] >= 0.92, resultat["erreurs"]
    assert resultat["urgence_rappel"] == 1.0, resultat["erreurs"]
    assert resultat["urgence_precision"] >= 0.95, resultat["erreurs"]


# Our own sets and the shares each must keep: intent, aid, urgence recall and precision.
# A recall of 1.0 on every set learnt from: a distress message missed is the worst failure.
OBJECTIFS = [
    (MAISON, 84, 0.85, 0.0, 1.0, 0.0),
    (MAISON_2, 285, 0.90, 0.90, 1.0, 0.95),
    (MAISON_3, 300, 0.95, 0.95, 1.0, 0.9),
    (MAISON_4, 200, 0.90, 0.95, 1.0, 0.9),
    (MAISON_5, 200, 0.93, 0.95, 1.0, 0.9),
    (MAISON_6, 200, 0.93, 0.97, 1.0, 0.95),
    (MAISON_7, 200, 0.9, 0.97, 1.0, 0.95),
    (MAISON_8, 200, 0.88, 0.97, 1.0, 0.95),
    (MAISON_9, 150, 0.9, 0.95, 1.0, 0.95),
    (MAISON_10, 200, 0.95, 0.97, 1.0, 0.95),
    (MAISON_11, 200, 0.9, 0.97, 1.0, 0.95),
    (MAISON_12, 200, 0.93, 0.97, 1.0, 0.95),
    (MAISON_13, 200, 0.95, 0.97, 1.0, 0.95),
    (MAISON_14, 200, 0.9, 0.96, 1.0, 0.95),
    (MAISON_15, 200, 0.94, 0.97, 1.0, 0.95),
    (MAISON_16, 200, 0.92, 0.96, 1.0, 0.95),
    (MAISON_17, 150, 0.95, 0.97, 1.0, 0.95),
    (MAISON_18, 200, 0.92, 0.96, 1.0, 0.95),
    (URGENCES, 120, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_2, 80, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_3, 110, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_4, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_5, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_6, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_7, 80, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_8, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_9, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_10, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_11, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_12, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_13, 110, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_14, 110, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_15, 100, 0.0, 0.0, 1.0, 0.95),
    (URGENCES_18, 100, 0.0, 0.0, 1.0, 0.95),
]


@pytest.mark.parametrize(
    ("jeu", "total", "intention", "aide", "rappel", "precision"),
    OBJECTIFS,
    ids=[jeu.stem for jeu, *_ in OBJECTIFS],
)
def test_objectifs_sur_nos_jeux(
    comprehenseur: Comprehenseur,
    jeu: Path,
    total: int,
    intention: float,
    aide: float,
    rappel: float,
    precision: float,
) -> None:
    resultat = evaluer(_lire(jeu), comprehenseur)
    assert resultat["total"] == total
    assert resultat["intention"] >= intention, resultat["erreurs"]
    assert resultat["aide"] >= aide, resultat["erreurs"]
    assert resultat["urgence_rappel"] >= rappel, resultat["erreurs"]
    assert resultat["urgence_precision"] >= precision, resultat["erreurs"]


# The situation decides the numbers given: 3114, 17/3919, 119, 115, 3977, 15.
SITUATIONS_DU_SECOND_JEU = [
    ("je veux pas vivre comme ça", "suicide"),
    ("on frappe ma mère à l'ehpad", "maltraitance"),
    ("on me met dehors ce soir", "abri"),
    ("mon conjoint m'a giflée devant les enfants", "violence"),
    ("j'ai plus rien a donner a manger a mes enfants ce soir", "faim"),
    ("ma fille de 3 ans a de la fievre elle respire mal", "medical"),
    ("je vais en finir ce soir, personne m'aide", "suicide"),
    ("le voisin tape son gosse tous les soirs", "enfant"),
    ("je dors dans un parc depuis hier", "abri"),
    ("mon pere 85 ans ils le laissent sans manger a la maison de retraite", "maltraitance"),
    ("jsuis a bout, jai envie de disparaitre", "suicide"),
    ("mon copain m'a menacée avec un couteau hier soir", "violence"),
    ("euh ma mère elle est tombée elle bouge plus", "medical"),
    ("l'aide a domicile vole et insulte mon grand pere", "maltraitance"),
    ("on est a la rue avec le bebe ce soir", "abri"),
    ("cela fait 3 jours que je n'ai pas mangé", "faim"),
    ("il m'a poussée dans l'escalier", "violence"),
    ("j'ai envie de tout arrêter, je suis fatiguée de vivre", "suicide"),
    ("mon bébé de 2 mois a avalé quelque chose il devient bleu", "medical"),
    ("on est dehors avec les enfants il fait nuit on sait pas où aller", "abri"),
    ("depuis hier on a rien mangé moi et mes enfants", "faim"),
    ("mon beau-père frappe ma petite soeur", "enfant"),
    ("à la maison de retraite ils attachent ma grand mère", "maltraitance"),
    ("je veux plus vivre j'en peux plus de cette vie", "suicide"),
    ("j'ai peur, mon ex m'attend devant chez moi avec une arme", "violence"),
    ("je vis dans ma voiture depuis une semaine", "abri"),
    ("ma copine m'a dit que son mec la frappe", "violence"),
    ("mon fils de 16 ans veut plus aller à l'école et me tape", "violence"),
    ("je me sens tellement seule, j'ai envie d'en finir", "suicide"),
    ("y a personne pour m'aider, je suis à la rue depuis hier soir", "abri"),
    ("mon frère handicapé se fait voler son aah par son tuteur", "maltraitance"),
    ("j'ai rien mangé depuis 2 jours pour que mes enfants mangent", "faim"),
    ("mon bébé a fait une chute et saigne de la tête", "medical"),
]


@pytest.mark.parametrize(("texte", "situation"), SITUATIONS_DU_SECOND_JEU)
def test_situation_des_urgences_du_second_jeu(
    comprehenseur: Comprehenseur, texte: str, situation: str
) -> None:
    compris = comprehenseur.comprendre(texte)
    assert (compris.intention, compris.situation_urgence) == ("urgence", situation)


def test_le_second_jeu_a_toutes_ses_urgences_dans_la_table() -> None:
    urgences = {e["texte"] for e in _lire(MAISON_2) if e["intention"] == "urgence"}
    assert urgences == {texte for texte, _ in SITUATIONS_DU_SECOND_JEU}


# Cases that general rules must get right; variants written for this table.
CAS_DIFFICILES = [
    # Names of people and places are never corrected into an aid word.
    ("j'habite à Bourges, c'est quoi le rsa", "info_aide", "rsa"),
    ("bonjour je m'appelle Apolline", "salutation", None),
    ("la caf de Marseille ouvre à quelle heure", "contact", None),
    ("je vis à Créteil, combien pour l'apl", "montant", "aide_logement"),
    ("le ccas de Cassis il est où", "contact", None),
    ("quel temps fait il à Bourges", "hors_sujet", None),
    ("il y a une France Services à Bourges ?", "contact", None),
    ("Apolline ici, la bourse du crous c'est pour qui", "eligibilite", "bourse_etudiant"),
    # Negation: not wanting to die is no distress; not wanting to live is.
    ("je ne veux pas mourir, je veux juste savoir pour le rsa", "info_aide", "rsa"),
    ("ce n'est pas urgent, c'est une question sur la css", "info_aide", "css"),
    ("je veux pas vivre comme ça", "urgence", None),
    ("je ne supporte plus de vivre", "urgence", None),
    # Expulsion: a threat asks for help, being put out tonight is an emergency.
    ("mon proprio veut me mettre dehors", "orientation", None),
    ("l'huissier m'a donné un avis d'expulsion pour le mois prochain", "orientation", None),
    ("menacée d'expulsion, le fsl peut m'aider ?", "eligibilite", "fsl"),
    ("on me met dehors ce soir", "urgence", None),
    ("le propriétaire nous jette dehors aujourd'hui", "urgence", None),
    # Follow-ups that rely on the conversation: the intent, no aid.
    ("et pr la faire", "demarche", None),
    ("c combien", "montant", None),
    ("ya quoi comme papier", "pieces", None),
    ("j'y ai droit ?", "eligibilite", None),
    ("ok et comment je fais", "demarche", None),
    ("et comme papiers ?", "pieces", None),
    ("ça prend combien de temps", "statut_dossier", None),
    # Old names, the post of someone without a home, an aid already received.
    ("la cmu c fini ?", "info_aide", "css"),
    ("la cmu ça existe encore", "info_aide", "css"),
    ("j'ai plus de domicile, comment recevoir mon courrier", "demarche", "domiciliation"),
    ("je vis à Marseille et je suis au rsa, j'ai droit a la css ?", "eligibilite", "css"),
    ("le 115 c'est gratuit ?", "info_aide", None),
    # "quand" that sets a condition, not a date.
    ("c'est combien l'aah quand on est seul", "montant", "aah"),
    ("l'apl quand on est étudiant c'est combien", "montant", "aide_logement"),
    # "ou" that joins two things ("or"), and "où" after a verb of the procedure.
    ("le fsl c'est une aide ou un crédit ?", "info_aide", "fsl"),
    ("on envoie le formulaire de la css ou", "demarche", "css"),
    ("la déclaration de ressources du rsa je la dépose ou", "demarche", "rsa"),
    ("pour l'aeeh je renvoie le dossier à qui", "demarche", "aeeh"),
    # Income given, or "or not": a question of right, not of amount.
    ("je gagne 1100e par mois, j'ai droit à la prime d'activité", "eligibilite", "prime_activite"),
    ("avec 2 enfants on touche l'ars ou pas", "eligibilite", "ars"),
    ("un taux d'incapacité de 60 ça suffit pour la pch ?", "eligibilite", "pch"),
    ("puis je obtenir l'aspa si je vis à l'étranger", "eligibilite", "aspa"),
    # Documents named, or to be proved.
    ("pour la css faut il fournir l'avis fiscal ?", "pieces", "css"),
    ("paje il faut l'acte de naissance et quoi d'autre", "pieces", "paje"),
    # Comparing, what an aid is for.
    ("l'ass ça ressemble au rsa ?", "info_aide", "ass"),
    ("l'aeeh ça sert à payer quoi", "info_aide", "aeeh"),
    # The procedure: deadline, website, going through someone.
    ("bourse crous jusqu'à quand on peut demander", "demarche", "bourse_etudiant"),
    ("la prime d'activité c'est sur quel site", "demarche", "prime_activite"),
    # An application already made, a payment that is stuck.
    ("l'apa que j'ai demandée en mai, c'est accepté ?", "statut_dossier", "apa"),
    ("la prime dact est pas tombée ce mois, ça bloque où", "statut_dossier", "prime_activite"),
    ("les allocs ont pas été versées", "statut_dossier", "allocations_familiales"),
    # What one could claim, what one is missing.
    ("je vis seul au smic, je pourrais demander quoi comme aides", "orientation", None),
    ("on s'en sort pas avec 2 salaires, y a rien pour nous ?", "orientation", None),
    # The service itself, leaving it, and questions about anything else.
    ("quels services vous proposez", "menu", None),
    ("que peut on vous demander", "menu", None),
    ("retirez moi de votre liste svp", "stop", None),
    ("c'est quoi la capitale du canada", "hors_sujet", None),
    # A question asked by someone lost, or who names a social worker: the question first.
    ("j'y comprends rien, la css c'est quoi", "info_aide", "css"),
    ("l'assistante sociale m'a parlé de l'apa, c'est quoi", "info_aide", "apa"),
    ("la conseillère m'a dit de demander l'ass, comment on fait", "demarche", "ass"),
    ("j'ai reçu une lettre de la caf j'y comprends rien", "conseiller", None),
    # Lost, with nothing else asked than a greeting or thanks: a person.
    ("bonjour je comprends rien", "conseiller", None),
    ("merci mais je comprends pas", "conseiller", None),
    ("bonjour, je suis perdue avec tous ces papiers", "conseiller", None),
    # Where to go, what to bring, what to declare.
    ("pour la pch faut aller à la mdph ou ça se fait par courrier", "demarche", "pch"),
    ("pour l'aide de la mairie quoi apporter", "pieces", "aide_ccas"),
    ("prime d'activité: on me demande un avis d'imposition", "pieces", "prime_activite"),
    # A condition to meet; what one is entitled to.
    ("la domiciliation il faut être majeur ?", "eligibilite", "domiciliation"),
    ("ma mère vit seule à 80 ans, à quoi elle a droit", "orientation", None),
    # A reply awaited, a commission.
    ("mon dossier fsl est passé en commission ?", "statut_dossier", "fsl"),
    # STOP is about the messages; a payment stopped is a question about the file.
    ("arrêtez les sms svp", "stop", None),
    ("stoppez vos messages", "stop", None),
    ("stop les alertes sur le rsa", "stop", None),
    ("ils ont arrêté les versements du rsa", "statut_dossier", "rsa"),
    ("la caf a stoppé mes apl", "statut_dossier", "aide_logement"),
    ("les paiements ont cessé depuis juin", "statut_dossier", None),
    ("j'ai seize ans, quelles aides ?", "orientation", None),
    # What an aid is for, who pays it; who it is for; what to attach; how much one will get.
    ("le fsl c'est une aide pour quoi au juste", "info_aide", "fsl"),
    ("l'ars c'est versé par qui", "info_aide", "ars"),
    ("l'aah c'est comme un salaire ?", "info_aide", "aah"),
    ("la css c'est réservé à ceux qui sont au rsa ?", "eligibilite", "css"),
    ("pour l'apa faut joindre quoi", "pieces", "apa"),
    ("combien je vais toucher de prime d'activité, 1100 de salaire", "montant", "prime_activite"),
    ("ma demande d'aeeh, rien n'a bougé depuis juin", "statut_dossier", "aeeh"),
    ("comment est-ce que je déclare mes revenus pour le rsa", "demarche", "rsa"),
    ("la mdph on la joint à quel numéro", "contact", None),
    ("kesako la paje", "info_aide", "paje"),
    # English, as some newcomers write it (the reply stays in French).
    ("how much is the rsa for one person", "montant", "rsa"),
    ("can i get the apl, i am a student", "eligibilite", "aide_logement"),
    ("which documents for the css", "pieces", "css"),
    ("my application for the aah, still waiting", "statut_dossier", "aah"),
    ("how do i apply for the rsa", "demarche", "rsa"),
    ("caf phone number please", "contact", None),
    ("which help can I get, I have 2 children and no work", "orientation", None),
    ("I want to talk to a real person please", "conseiller", None),
    ("stop sending me messages", "stop", None),
    # The former name of the prime d'activité.
    ("le rsa activité ça existe encore ?", "info_aide", "prime_activite"),
    # What an aid is, in a few words; "kom" for "comment"; a question, not thanks.
    ("la css je vois pas trop ce que c'est", "info_aide", "css"),
    ("expliquez-moi de quoi il s'agit, le cheque energie", "info_aide", "cheque_energie"),
    ("la prime d'activité c'est un salaire en plus ?", "info_aide", "prime_activite"),
    ("kom on fé pour le rsa svp", "demarche", "rsa"),
    ("elle doit faire son dossier de bourse, par où commencer", "demarche", "bourse_etudiant"),
    ("est-ce que le chèque énergie ça marche pour le fioul", "eligibilite", "cheque_energie"),
    ("pour les allocs faut en avoir deux des enfants ?", "eligibilite", "allocations_familiales"),
    ("vous êtes là pour m'aider sur quoi ?", "menu", None),
    ("l'argent des handicapés c'est combien par mois", "montant", "aah"),
    ("la retraite des vieux qui ont pas cotisé c'est quoi", "info_aide", "aspa"),
    # Asked on someone's behalf, lost about one aid, how often, a judgment, a schoolwork.
    ("mon conseiller m'a demandé de vous écrire pour savoir ce qu'est la css", "info_aide", "css"),
    ("l'apl c'est de l'argent pour le loyer ou pour les courses ?", "info_aide", "aide_logement"),
    ("la paje je comprends pas", "info_aide", "paje"),
    ("le rsa faut redéclarer tous les combien ?", "demarche", "rsa"),
    ("pour l'asf il faut un jugement ?", "pieces", "asf"),
    ("la prime de naissance, elle arrive quand ?", "statut_dossier", "paje"),
    ("tu peux m'aider pour mes devoirs de maths", "hors_sujet", None),
    ("on est trois en colocation, l'apl ça marche quand même ?", "eligibilite", "aide_logement"),
    # "par avance" is politeness; whose income, who of the two; the papers a doctor signs.
    ("quel est le montant du rsa pour un couple, je vous remercie par avance", "montant", "rsa"),
    ("pour l'aeeh c'est les revenus de qui qui comptent ?", "eligibilite", "aeeh"),
    ("on est séparés, qui de nous deux touche l'ars ?", "eligibilite", "ars"),
    ("la css ce serait gratuit pour moi ?", "eligibilite", "css"),
    ("le fsl ça monte jusqu'à combien ?", "montant", "fsl"),
    ("pour l'apa il faut un papier du médecin ?", "pieces", "apa"),
    ("l'aah toujours pas tombée ce mois-ci", "statut_dossier", "aah"),
    ("je voudrais un rdv avec une assistante sociale", "conseiller", None),
    # At the end of one's tether but asking; how to claim, on paper or online; a raise.
    ("au bout du rouleau, il faut quels papiers pour l'apl ?", "pieces", "aide_logement"),
    ("je suis à bout", "conseiller", None),
    ("le chèque énergie jamais reçu, comment je réclame ?", "demarche", "cheque_energie"),
    ("la css on la demande papier ou internet ?", "demarche", "css"),
    ("le rsa ça a augmenté cette année ?", "montant", "rsa"),
    ("seule avec deux enfants, j'ai droit à quelque chose ?", "orientation", None),
    # "au juste", "même si", "quel jour", "obligatoire pour", thanks in the past tense.
    ("la pch c'est quoi au juste ?", "info_aide", "pch"),
    ("on peut avoir l'ars même si le petit est en apprentissage ?", "eligibilite", "ars"),
    ("l'aah tombe quel jour ?", "statut_dossier", "aah"),
    ("le rib c'est obligatoire pour le rsa ?", "pieces", "rsa"),
    ("merci vous m'avez bien aidée", "remerciement", None),
    # Whom to call; "est-ce que je peux avoir"; a ceiling asked; what goes in the file; a
    # paper that "marche comme" proof; "on a droit à quoi" after a situation.
    ("qui faut-il appeler pour un voisin qui va mal", "contact", None),
    ("je gagne 1500 brut, est-ce que je peux toucher le rsa ?", "eligibilite", "rsa"),
    ("pour la css faut gagner moins de combien", "eligibilite", "css"),
    ("le dossier de l'aah il faut mettre quoi dedans", "pieces", "aah"),
    ("mon titre de séjour ça vaut comme justificatif pour la caf ?", "pieces", None),
    ("le numéro de mon assistante sociale svp", "contact", None),
    ("je suis seul au smic avec un loyer de 600, j'ai droit à quoi ?", "orientation", None),
    # A "recours", "je dois faire quoi pour", keeping a right after a change, an aid only
    # for some, "pourquoi j'ai pas eu", a renewal, a claim to pay back, "ce que c'est".
    ("comment on fait un recours contre la décision pour l'aah", "demarche", "aah"),
    ("je dois faire quoi pour avoir la prime d'activité", "demarche", "prime_activite"),
    ("je me suis marié, est-ce que je garde l'aah ?", "eligibilite", "aah"),
    ("l'apa c'est seulement pour les plus de 60 ans ?", "eligibilite", "apa"),
    ("pourquoi j'ai pas touché le rsa ce mois-ci", "statut_dossier", "rsa"),
    ("mon aah a bien été renouvelée ?", "statut_dossier", "aah"),
    ("la caf me réclame de rembourser l'apl de l'an dernier", "statut_dossier", "aide_logement"),
    ("je voudrais savoir ce que c'est l'asf", "info_aide", "asf"),
    # Voice dictation hears "R-S-A" as "air est sa"; what the service can do.
    ("le air est sa c'est pour qui", "eligibilite", "rsa"),
    ("vous pouvez faire quoi pour moi", "menu", None),
]


@pytest.mark.parametrize(("texte", "intention", "aide"), CAS_DIFFICILES)
def test_cas_difficiles(
    comprehenseur: Comprehenseur, texte: str, intention: str, aide: str | None
) -> None:
    compris = comprehenseur.comprendre(texte)
    assert (compris.intention, compris.aide) == (intention, aide)


# Situations described, not named: what a frightened person writes. Sentences of our own,
# one family of French for each rule added after the blind distress sets 3 to 5.
DECRITES_SANS_LES_NOMMER = [
    ("le mieux c'est que demain je ne serai plus là, adieu", "suicide"),
    # After the blind sets 18: a time left, self-harm, a child beaten, someone followed.
    ("dans 20 minutes je serai plus là", "suicide"),
    ("je serai plus là demain matin, j'ai tout organisé", "suicide"),
    ("je me taillade les poignets depuis des semaines et ce soir c'est pire", "suicide"),
    ("mon beau-père et ma mère me frappent, j'ai 14 ans", "enfant"),
    ("un type suit mon fils depuis l'arrêt de bus", "enfant"),
    ("deux hommes me suivent depuis le métro", "violence"),
    ("jai ecrit des lettres pour ma famille, elles sont sur le buffet", "suicide"),
    ("c'est decidé j'en finis cette nuit", "suicide"),
    ("les cachets sont devant moi je vais tous les prendre", "suicide"),
    ("il a fermé à clé et il a pris mon téléphone, je peux pas sortir", "violence"),
    ("mon patron veut pas me laisser sortir du bureau", "violence"),
    ("trois types m'attendent en bas avec des barres de fer", "violence"),
    ("un homme est en train de défoncer ma porte", "violence"),
    ("le copain de ma soeur va dans le lit de ma petite niece la nuit", "enfant"),
    ("le bébé est resté seul dans la voiture sur le parking", "enfant"),
    ("mon pere est tombé dans la cuisine il peut plus se relever", "medical"),
    ("je me suis renversé l'eau bouillante sur le bras la peau part", "medical"),
    ("ma femme tremble de partout depuis dix minutes", "medical"),
    ("il y a de la fumée qui sort de l'appartement du dessous", "incendie"),
    ("ça sent le gaz dans tout l'immeuble", "incendie"),
    ("le feu a pris dans la chambre des enfants", "incendie"),
    ("le foyer me met dehors ce soir à 20h avec mes deux petits", "abri"),
    ("personne pour nous loger cette nuit, on a un nourrisson", "abri"),
    ("on est sur un banc devant la gare avec les valises", "abri"),
    ("mes enfants vont dormir le ventre vide", "faim"),
    ("l'auxiliaire gifle ma mère quand je ne suis pas là", "maltraitance"),
    ("on laisse mon oncle handicapé dans ses couches depuis hier", "maltraitance"),
    ("bientôt je ne serai plus une charge pour vous", "suicide"),
    ("j'ai confié mes chiens à mon frère, tout est réglé", "suicide"),
    ("je trouve plus aucun sens à me lever", "suicide"),
    ("quelqu'un a mis un truc dans mon verre, je sais plus où je suis", "violence"),
    ("il a dit qu'il allait venir me faire la peau", "violence"),
    ("mon mari m'a prise à la gorge", "violence"),
    ("la voisine crie sur son bébé depuis ce matin", "enfant"),
    ("mon grand pere nous reconnait plus il est tout confus", "medical"),
    ("le petit a avalé des aimants du frigo", "medical"),
    ("la prise du salon fait des étincelles", "incendie"),
    ("l'eau rentre dans la chambre des enfants", "incendie"),
    ("ma soeur a pris toute la boite de somnifères, elle dit plus rien", "medical"),
    ("papa parle bizarrement et il peut pas lever le bras", "medical"),
    ("on arrive pas à réveiller mamie, le chauffage d'appoint tourne depuis hier", "medical"),
    ("un type me suit depuis la gare", "violence"),
    ("il a dit qu'il tuerait les petits si je pars", "violence"),
    ("le monsieur qui s'occupe de ma mère lui crie dessus et la pousse", "maltraitance"),
    ("un homme de 40 ans veut que ma fille de 12 ans le retrouve ce soir", "enfant"),
    ("je tiendrai pas une journée de plus, pardon à tous", "suicide"),
    ("demain vous entendrez plus parler de moi", "suicide"),
    ("il menace de mettre le feu à la maison avec nous dedans", "violence"),
    ("mon ex attend en bas de chez moi depuis ce matin", "violence"),
    ("mon petit frère 9 ans se fait toucher par un voisin", "enfant"),
    ("maman est dans ses excréments depuis hier, personne passe", "maltraitance"),
    ("ma fille siffle quand elle respire et la ventoline est vide", "medical"),
    ("vertiges et mal à la tête depuis qu'on a allumé le brasero", "medical"),
    ("cette nuit c fini pr moi", "suicide"),
    ("son père est bourré et il conduit avec les petits dans la voiture", "enfant"),
    ("le gamin d'en face se penche par la fenêtre du 4e", "enfant"),
    ("on m'a droguée hier soir, je sais pas ce qui s'est passé", "violence"),
    ("mon fils a avalé une plaquette de cachets", "medical"),
    # After the thirteenth blind set: a "bêtise" to come, farewells, the night one will not
    # last, blows that start again, a threat if one talks, someone at the door, hunger
    # counted in days, a baby's bottle, a neighbour heard calling, the cold without heating.
    ("j'ai peur de faire une grosse bêtise ce soir", "suicide"),
    ("voila j'ai fait mes adieux à ma soeur", "suicide"),
    ("que quelqu'un prenne soin de mes chats quand je serai plus là", "suicide"),
    ("je tiendrai pas jusqu'au matin", "suicide"),
    ("ça recommence, il est en train de frapper maman", "enfant"),
    ("mon beau pere tape sur ma mere depuis une heure", "violence"),
    ("si je porte plainte il me tuera", "violence"),
    ("mon ancien copain est derrière la porte et il hurle qu'il va la défoncer", "violence"),
    ("elle se fait cogner par son copain devant nous", "violence"),
    ("on a rien mangé depuis quatre jours", "faim"),
    ("plus de lait pour le biberon de la petite", "faim"),
    ("j'ai rien pu donner à mes petits ce midi", "faim"),
    ("le monsieur du dessus a dû faire un malaise, on l'entend gémir depuis la porte", "medical"),
    ("mon grand-pere n'a plus de chauffage depuis des jours, il grelotte", "medical"),
    # After the fourteenth: a jump "si je", things thrown at one, a door forced, locked out
    # on the balcony, voices that give orders, a child tied up or taken abroad, a baby left
    # alone outside, a carer who did not come, numb fingers in the cold, a double dose,
    # blue lips, a smell of gas, someone lost by a main road or confused and gone.
    ("si je me jette sous le train tout ira mieux", "suicide"),
    ("il a lancé la chaise contre moi et il tape dans les murs", "violence"),
    ("des gens essaient d'ouvrir ma porte en pleine nuit", "violence"),
    ("il m'a enfermée dans la cave depuis ce matin", "violence"),
    ("mon frère dit que les voix lui disent de faire du mal", "violence"),
    ("la voisine garde sa fille attachée à une chaise", "enfant"),
    ("mon mari veut partir avec les enfants au pays demain, je les reverrai jamais", "enfant"),
    ("un petit tout seul dans une voiture fermée depuis une heure au soleil", "enfant"),
    ("l'infirmière pas venue depuis hier, maman au lit sans boire ni manger", "maltraitance"),
    ("il fait si froid chez moi que mes doigts sont tout engourdis, plus de chauffage", "medical"),
    ("j'ai pris trois fois mon traitement ce soir par erreur", "medical"),
    ("ses lèvres sont bleues, il arrive plus à parler", "medical"),
    ("ça sent l'oeuf pourri dans la cuisine depuis ce matin", "incendie"),
    ("mon oncle a alzheimer, il est parti à pied et on le trouve nulle part", None),
    # After the fifteenth: finishing "ce que j'ai commencé", they know where one lives, a
    # threat if one leaves, a pregnancy going wrong, a crisis, days without eating, someone
    # trapped under a machine or in the snow, left by the roadside.
    ("ce soir je vais finir ce que j'ai commencé", "suicide"),
    ("des inconnus m'écrivent qu'ils savent où j'habite", "violence"),
    ("si je pars il brulera la maison", "violence"),
    ("je suis enceinte et je saigne beaucoup depuis une heure", "medical"),
    ("mon frère schizophrène est en crise, il entend des voix et il casse tout", "medical"),
    ("ma grand-mère mange presque rien depuis cinq jours", "medical"),
    ("l'échafaudage s'est effondré sur mon collègue, on arrive pas à le sortir", "medical"),
    ("on est bloqués dans la voiture sous la neige depuis deux heures", None),
    ("il m'a laissée au bord de l'autoroute avec les petits", None),
]


@pytest.mark.parametrize(
    ("texte", "situation"),
    [
        ("on frappe ma mère à l'ehpad", "maltraitance"),
        ("l'aide-soignante insulte mon père à la maison de retraite", "maltraitance"),
        ("ils laissent ma grand-mère sans manger", "maltraitance"),
        ("mon père 82 ans se fait frapper par son aide à domicile", "maltraitance"),
        ("ma voisine âgée se fait voler par son curateur", "maltraitance"),
        ("mon mari me frappe devant les enfants", "violence"),
        ("le voisin tape son gosse tous les soirs", "enfant"),
        ("je suis à la rue, ça fait une semaine", "abri"),
        # A child who writes: their age, "maman", school.
        ("le mari de ma mère me tripote, j'ai 12 ans", "enfant"),
        ("un monsieur me touche à la sortie de l'école, j'ai 9 ans", "enfant"),
        ("l'ami de papa me touche quand je suis seule", "enfant"),
        ("il me touche alors que je veux pas", "violence"),
        ("si je disparaissais ce serait plus simple pour tout le monde", "suicide"),
        ("personne ne me regrettera de toute façon", "suicide"),
        ("j'ai préparé mes cachets, je voulais dire au revoir à mes enfants", "suicide"),
        ("il rentre saoul et il hurle, j'ai peur pour les enfants", "violence"),
        ("elle casse tout dans l'appartement, on a peur pour nous", "violence"),
        # A few words of English, for newcomers.
        ("we sleep in the street with my baby", "abri"),
        ("my husband beats me", "violence"),
        ("no food for the kids since yesterday", "faim"),
        ("on est dans la voiture avec le bébé, pas d'endroit pour cette nuit", "abri"),
        ("il a pris toutes ses pilules d'un coup", "medical"),
        ("j'ai peur qu'il nous tue quand il rentre", "violence"),
        ("il m'a attrapée à la gorge tout à l'heure", "violence"),
        ("il hurle et il a jeté mes affaires, j'ai peur", "violence"),
        ("j'ai la corde, ce soir c'est fini", "suicide"),
        ("je voudrais dormir et ne jamais me réveiller", "suicide"),
        ("mon voisin de 6 ans est tout seul à la maison depuis hier", "enfant"),
        ("les pompiers sont partis, l'incendie a tout détruit, on a rien", "abri"),
        ("je sors de prison ce matin, je sais pas où dormir", "abri"),
        ("mon père a la bouche de travers, il arrive plus à parler", "medical"),
        ("mon fils a 41 de fièvre et ne répond plus", "medical"),
        # Veiled farewells, a threat to silence, a child's room at night, a whole box.
        ("j'ai tout vidé, je m'en vais cette nuit pour de bon", "suicide"),
        ("mon mari est mort l'hiver dernier, je veux le retrouver là-haut", "suicide"),
        ("le viaduc est à deux rues, j'y monte tout à l'heure", "suicide"),
        ("j'aimerais m'endormir et ne plus jamais me réveiller", "suicide"),
        ("si je le quitte il me tuera, il me l'a juré", "violence"),
        ("elle veut me tuée, aidez moi", "violence"),
        ("je peux pas appeler, il surveille à côté", "violence"),
        ("mon frère me bouscule contre le mur quand il a bu", "violence"),
        ("mon oncle entre dans la chambre de mon petit frère quand tout le monde dort", "enfant"),
        ("les gamins du 3e sont tout seuls depuis ce matin", "enfant"),
        ("je suis enceinte de 6 mois et j'ai des contractions très fortes", "medical"),
        ("ma femme a perdu beaucoup de sang en tombant", "medical"),
        ("il a avalé tout le tramadol de sa mère il y a vingt minutes", "medical"),
        ("elle a pris toutes les plaquettes de la pharmacie", "medical"),
        ("mon père est coincé dans l'ascenseur depuis une heure", None),
        # A friend who says it, papers taken, followed at night, a fall alone, the cold;
        # a few words of English.
        ("ma copine dit qu'elle veut en finir ce soir", "suicide"),
        ("mon employeur a pris mes papiers et ferme la porte le soir", "violence"),
        ("un type essaie de m'arracher mon sac devant la gare", "violence"),
        ("trois hommes nous suivent depuis le métro", "violence"),
        ("my boyfriend hits me every night", "violence"),
        ("l'animateur leur fait des choses dans la douche", "violence"),
        ("no place to sleep tonight with my son", "abri"),
        ("mon père a glissé dans la douche, il est au sol depuis une heure", "medical"),
        ("la voisine du dessus ne répond plus depuis deux jours, elle a 85 ans", "medical"),
        ("le respirateur de mon fils est en panne", "medical"),
        ("plus de chauffage depuis hier, il fait 6 degrés avec le nourrisson", None),
        ("please help police", None),
        ("vite aidez moi", None),
        ("il est là", None),
        # Not there "to see" tomorrow, sitting on a ledge, a blocked door, blackmail with
        # photos, a child alone in the bath, a machine on a battery, pain with vomiting.
        ("vous inquiétez pas pour le dossier, je serai plus là pour le voir", "suicide"),
        ("je suis assise sur le parapet du pont", "suicide"),
        ("il bloque la porte et veut pas me laisser sortir", "violence"),
        ("il va publier mes photos si je paye pas ce soir", "violence"),
        ("ma soeur de 3 ans est toute seule dans la baignoire", "enfant"),
        ("l'oxygène de ma mère marche sur batterie et le courant est coupé", "medical"),
        ("douleur atroce au ventre depuis midi et je vomis tout", "medical"),
        # Burnt with a cigarette, a deep cut that bleeds, a neighbour not seen for days.
        ("il m'a brûlée avec sa cigarette, j'ai peur de rentrée à la maison", "violence"),
        ("il s'est entaillé le bras avec une vitre, ça gicle le sang", "medical"),
        ("le vieux monsieur d'en face, pas vu depuis cinq jours, son courrier déborde", "medical"),
        # A threat by message, a window high up, a boy alone on a road at night, a carer
        # who slaps, an old man left soiled, a neighbour lying on the floor.
        ("il m'a envoyé je sais où tu dors, et on frappe en bas", "violence"),
        ("je regarde par la fenêtre du 7e et j'ai envie de sauter", "suicide"),
        ("une petite fille toute seule au bord de la route, il fait nuit", "enfant"),
        ("la femme qui la garde la nuit la gifle, je l'ai vu sur la caméra", "maltraitance"),
        ("son aide à domicile le laisse sale depuis hier", "maltraitance"),
        ("ma tante est allongée sur le carrelage et ne répond pas", "medical"),
        *DECRITES_SANS_LES_NOMMER,
    ],
)
def test_situation_selon_le_contexte(
    comprehenseur: Comprehenseur, texte: str, situation: str
) -> None:
    compris = comprehenseur.comprendre(texte)
    assert (compris.intention, compris.situation_urgence) == ("urgence", situation)


@pytest.mark.parametrize(
    "texte",
    [
        "je suis aide soignante en ehpad, j'ai droit à la prime d'activité ?",
        "je suis étudiante étrangère, je peux avoir les APL",
        "je veux plus être là-bas, je veux déménager, les apl suivent ?",
        "je vais me faire couper l'électricité, je peux avoir le chèque énergie ?",
        "mon proprio veut me mettre dehors",
        "je dors chez ma mère en attendant un logement",
        # A danger that is dated and over.
        "il y a 5 ans j'ai fui un mari violent, aujourd'hui je cherche un logement, l'apl ?",
        "on était à la rue l'an dernier, maintenant on a un appart, on a droit à quoi ?",
        "sdf l'hiver passé, aujourd'hui en foyer : la domiciliation c'est encore utile ?",
        # Words a spelling correction must not turn into distress.
        "l'aide ménagère c'est payé par l'apa ?",
        "ça me touche beaucoup merci pour votre aide",
        # Words of French that a spelling correction once turned into others.
        "je vais peindre la chambre de mon fils, y a une aide ?",
        "c'est étrange, mon dossier n'avance pas",
        "je dois me sacrifier pour mes enfants, quelles aides ?",
        # Asking for a helpline's number, an illness that is over.
        "quel est le numéro pour les violences, c'est pour une amie qui veut s'informer",
        "mon fils a fait un malaise le mois dernier, l'aeeh peut aider ?",
        "je vais mourir d'ennui à attendre la réponse pour mon apl",
        "le numéro pour les enfants maltraités c'est lequel, pour l'afficher à l'école",
        "le 3114 est-il ouvert le dimanche ? c'est pour une liste au centre social",
        "j'ai failli mourir de peur en ouvrant le courrier de la caf",
        "il y a trois ans j'étais sdf, aujourd'hui j'ai un studio, l'apl c'est possible ?",
        "notre association aide les familles sans abri, comment leur faire avoir la domiciliation",
        "mon premier mari était violent, on a divorcé, la pension n'est jamais versée, l'asf ?",
        # Figures of speech, dangers to come.
        "une recette de pot-au-feu pour dimanche ?",
        "je vais finir à la rue si la caf ne paie pas, mon apl est bloquée",
        "au secours la paperasse de la caf !! mon rsa est où ?",
        "ce dossier mdph va me tuer, il faut quelles pièces ?",
        "mon fils fait des crises d'épilepsie, l'aeeh c'est pour lui ?",
        "à la rue depuis deux ans, je dors au centre d'hébergement, la domiciliation c'est où ?",
        # Words of harm that the net must leave alone.
        "la météo ce soir, il fait froid ?",
        "j'ai peur pour mon apl maintenant",
        "ce soir je dors chez ma soeur, on parle du rsa demain",
        "il a de la fièvre, l'aeeh couvre les soins ?",
        # Travellers live in a caravan; a crisis "because of the caf"; a joke with "mdr".
        "on vit en caravane, comment avoir une adresse pour le courrier ?",
        "mon père fait une crise de nerfs à cause de la caf, son apl est suspendue",
        "je vais me pendre si on me redemande ce papier mdr, c'est quoi les pièces pour l'apl",
        "j'ai peur de me retrouver à la rue l'an prochain, le fsl peut aider ?",
        "je meurs de faim mdr vivement ce soir, l'apl tombe quand ?",
        "mon cousin est à la rue depuis des années, il dort au foyer, la domiciliation ?",
        "arrêtez, vous me harcelez avec vos sms",
        # Associations, topics of society, help received, jokes, hypotheses.
        "je suis bénévole au Secours catholique, une famille peut avoir l'ars ?",
        "on a parlé de la maltraitance des personnes handicapées en cours, c'est qui le 3977 ?",
        "si un homme est frappé par sa femme, il y a une aide pour partir ?",
        "mon dossier est en danger de passer en commission ? l'aah",
        "j'ai été logée grâce au samu social cet hiver, merci encore",
        "ma cheffe va me tuer si je suis en retard, la prime d'activité c'est quand ?",
        "je suis morte de faim après le boulot hihi, l'apl tombe quand ?",
        "mon frère a fait une tentative il y a bien longtemps, il va bien, la css c'est quoi ?",
        "j'ai pris une boîte de doliprane à la pharmacie, c'est remboursé par la css ?",
        # A game, a film, a near miss that is over, help received, a landlord "si jamais".
        "mon frère se fait tuer dans fortnite tous les soirs mdr",
        "un documentaire sur les sans abri m'a touché, la domiciliation c'est quoi ?",
        "mon fils a failli se noyer à la piscine l'été dernier, l'ars c'est quand ?",
        "j'ai contacté le 115 l'an dernier, aujourd'hui je suis logée, merci",
        "si jamais le bailleur me met dehors, le fsl peut m'aider ?",
        "il est là mon dossier ?",
        # Born "en urgence" and well now; lost with the messages; how to reach help later.
        "ma fille est née en urgence le mois dernier, elle va bien, la paje c'est quand ?",
        "au secours je comprends rien à ce formulaire",
        "comment on fait pour appeler le 15 depuis l'étranger ?",
        "le 119 ça marche sans crédit ?",
        "le prix du gaz a failli me donner une crise cardiaque mdr, le chèque énergie arrive quand",
        # In the news, a helpline that helped, a past at school, an old care home.
        "aux infos, un homme est mort sous les coups, c'est terrible",
        "merci pour le 3919, je suis en sécurité chez une amie",
        "ma mère me frappait quand j'étais petite, l'asf c'est pour moi ?",
        "mon père a été maltraité dans son ancien ehpad, l'apa à domicile c'est combien ?",
        "je suis à la rue avec la paperasse, vous aidez pour quoi ?",
        # Exaggeration, hunger before a meal, a series on TV, an address for the mail.
        "si la caf paie pas on va mourir de faim à ce rythme, mon rsa ?",
        "trop faim lol vivement ce soir",
        "la série d'hier avec la femme battue m'a fait pleurer",
        "je suis sdf, la domiciliation au ccas c'est possible ?",
        "en général qui on appelle pour quelqu'un à la rue ? juste pour savoir",
        # Thanks for help given, a night found, an alarm that was nothing, a threat "si".
        "grâce au 115 on a été logés l'hiver dernier, merci à vous",
        "c'est bon j'ai trouvé où dormir ce soir, merci pour le numéro",
        "j'ai cru faire un malaise, aux urgences ils ont dit le stress, la css paie ?",
        "si le proprio augmente encore le loyer je vais finir à la rue, le fsl ?",
        "un film d'horreur où la fille est séquestrée, trop flippant mdr",
        "la facture de la caf, je vais faire une crise cardiaque, c'est une erreur ?",
        "grâce à vous on a dormi au foyer hier, merci beaucoup",
        # Said not to be in danger, a film's title, fed up with messages, a shelter found
        # weeks ago, a night call that is over, a threat of bailiffs.
        "je suis pas en danger, c'est juste pour la prime d'activité",
        "on regarde le film Au secours j'ai 30 ans ce soir",
        "au secours arrêtez de m'envoyer des messages",
        "il y a trois semaines le 115 m'a trouvé un foyer, maintenant je voudrais l'apl",
        "hier soir j'ai appelé les pompiers pour une fuite, maintenant c'est réglé, le chèque "
        "énergie c'est pour qui ?",
        "le propriétaire me menace d'huissier, le fsl peut m'aider ?",
    ],
)
def test_pas_urgence_malgre_des_mots_proches(comprehenseur: Comprehenseur, texte: str) -> None:
    assert comprehenseur.comprendre(texte).intention != "urgence"


@pytest.mark.parametrize(
    "texte",
    [
        "il me frappait il y a deux ans et il recommence, j'ai droit au rsa ?",
        "expulsée l'an dernier, et ce soir encore à la rue, l'apl ?",
        "il m'a battue il y a un mois, j'ai peur qu'il revienne, le rsa c'est pour moi ?",
        "je suis infirmière et mon mari me frappe ce soir, la css ?",
        "il y a deux ans il m'a frappée, c'est fini",  # no question: stays an emergency
    ],
)
def test_un_danger_qui_dure_reste_une_urgence(comprehenseur: Comprehenseur, texte: str) -> None:
    assert comprehenseur.comprendre(texte).intention == "urgence"


# The net: a word of harm said of right now, no aid asked about, no pattern for it.
@pytest.mark.parametrize(
    "texte",
    [
        "ma grand mère a de la fièvre et elle délire depuis une heure",
        "mon copain pleure et il crie dans la salle de bain depuis 20 minutes",
        "mon père a une douleur horrible au ventre depuis deux heures",
    ],
)
def test_le_filet_prend_un_danger_que_rien_ne_decrit(
    comprehenseur: Comprehenseur, texte: str
) -> None:
    comprise = comprehenseur.comprendre(texte)
    assert (comprise.intention, comprise.situation_urgence) == ("urgence", None)
