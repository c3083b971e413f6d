import pytest

from assistant.lexique import charger_lexique
from assistant.normalisation import Normaliseur, simplifier
from assistant.orthographe import Correcteur, mots_du_francais
from assistant.reperage import IndexPhrases, Sens


@pytest.fixture(scope="module")
def normaliser() -> Normaliseur:
    lexique = charger_lexique()
    return Normaliseur(lexique.sms, lexique.remplissage, lexique.sauf_avant)


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Élève ÇA Où", "eleve ca ou"),
        ("cœur", "coeur"),
        ("l'APL", "l apl"),
        ("l’allocation", "l allocation"),
        ("qu'est-ce que", "qu est ce que"),
        ("aujourd'hui", "aujourd hui"),
        ("quelqu'un", "quelqu un"),
        ("  beaucoup   d'espaces\t", "beaucoup d espaces"),
        ("RSA !!! ???", "rsa"),
        ("ouiiiii", "oui"),
        ("stoooop", "stop"),
        ("allocation", "allocation"),
        ("n° 1234567", "numero 1234567"),
        ("500€", "500 euros"),
    ],
)
def test_simplifier(texte: str, attendu: str) -> None:
    assert " ".join(simplifier(texte).split()) == attendu


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("jai pas recu", "j ai pas recu"),
        ("g pas compris", "j ai pas compris"),
        ("c koi", "c est quoi"),
        ("c'est quoi", "c est quoi"),
        ("kel montant", "quel montant"),
        ("cb par mois", "combien par mois"),
        ("pk ya rien", "pourquoi il y a rien"),
        ("pq pas", "pourquoi pas"),
        ("bjr", "bonjour"),
        ("slt", "salut"),
        ("mrc bcp", "merci beaucoup"),
        ("mci", "merci"),
        ("tt ds ns vs", "tout dans nous vous"),
        ("dac", "d accord"),
        ("chui au chomage", "je suis au chomage"),
        ("jsuis seule", "je suis seule"),
        ("svp", "svp"),
        ("stp", "stp"),
        ("lol trop bien", "mdr trop bien"),  # a laugh is kept, as one word: a joke is no danger
        ("qqn", "quelqu un"),
        ("euh je voudrais euh savoir", "je voudrais savoir"),
        ("ben alors bah oui", "oui"),
        ("du coup en fait le rsa", "le rsa"),
        ("Bjr, jai 1 question stp !!", "bonjour j ai 1 question stp"),
        ("komen fer", "comment faire"),
        ("kel papié", "quel papier"),
        ("quels docs", "quels documents"),
        ("mon proprio", "mon proprietaire"),
        ("jcomprends r1", "je comprends rien"),
        ("g droit o rsa", "j ai droit au rsa"),
        ("c ou kon fé la demande", "c est ou qu on fait la demande"),
        ("rebonjour", "re bonjour"),
        ("euhm bon ben en gros je voudrais", "je voudrais"),
    ],
)
def test_normaliser(normaliser: Normaliseur, texte: str, attendu: str) -> None:
    assert normaliser(texte).texte == attendu


def test_tokens_et_question(normaliser: Normaliseur) -> None:
    resultat = normaliser("c koi l'apl ?")
    assert resultat.tokens == ("c", "est", "quoi", "l", "apl")
    assert resultat.question
    assert not normaliser("bonjour").question


def test_normaliser_est_stable(normaliser: Normaliseur) -> None:
    une_fois = normaliser("Jai pa reçu l'APL, c koi le pb ?").texte
    assert normaliser(une_fois).texte == une_fois


@pytest.fixture(scope="module")
def correcteur() -> Correcteur:
    return Correcteur(["bourses", "allocation", "logement", "etranglee"], ["trouve", "etrangere"])


def test_les_noms_ne_sont_jamais_corriges(correcteur: Correcteur) -> None:
    mots = ("j", "habite", "a", "bourges")
    assert correcteur.corriger(mots) == ("j", "habite", "a", "bourses")
    assert correcteur.corriger(mots, garder={3}) == mots


def test_pronom_colle_a_un_mot_connu(correcteur: Correcteur) -> None:
    assert correcteur.corriger(("jtrouve", "du", "travail")) == ("je", "trouve", "du", "travail")


def test_une_elision_collee_a_un_mot_connu_qui_commence_par_une_voyelle(
    correcteur: Correcteur,
) -> None:
    assert correcteur.corriger(("letrangere",)) == ("l", "etrangere")
    # No elision before a consonant: "dtrouve" is not "d trouve".
    assert correcteur.corriger(("dtrouve",)) == ("dtrouve",)


def test_un_mot_de_la_langue_ne_devient_qu_une_forme_de_lui_meme() -> None:
    correcteur = Correcteur(
        ["pendre", "frappe", "etrangle"], francais=["peindre", "frappait", "etrange"]
    )
    assert correcteur.corriger(("peindre", "etrange")) == ("peindre", "etrange")
    assert correcteur.corriger(("frappait",)) == ("frappe",)
    # Not a word of the language: corrected as before.
    assert Correcteur(["pendre"]).corriger(("pendr",)) == ("pendre",)


def test_le_dictionnaire_du_francais_est_charge() -> None:
    francais = mots_du_francais()
    assert len(francais) > 100_000
    assert {"peindre", "seize", "etrange", "menagere"} <= francais
    assert "allocassion" not in francais


def test_un_mot_courant_n_est_pas_corrige_en_detresse(correcteur: Correcteur) -> None:
    assert correcteur.corriger(("etrangere",)) == ("etrangere",)


def test_un_sens_compte_une_fois_par_racine() -> None:
    index = IndexPhrases()
    index.ajouter(("demande",), Sens("intention", "demarche", 3.0))
    index.ajouter(("demandes",), Sens("intention", "demarche", 2.0))
    assert index.sens(("demande",)) == (Sens("intention", "demarche", 3.0),)
