from __future__ import annotations

import datetime as dt

import pytest

from assistant.contenus import Catalogue
from assistant.moteur import Moteur
from assistant.rendu import Rendeur, date_fr, oral
from assistant.reponse import Bloc, Reponse
from assistant.verification import verifier_rendus


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Jusqu'à 646,52 € par mois.", "Jusqu'à 646 euros 52 par mois."),
        ("1 033,32 € au plus", "1 033 euros 32 au plus"),
        ("Voir https://www.caf.fr/x pour la suite.", "Voir pour la suite."),
        ("taux de 80 %", "taux de 80 pour cent"),
    ],
)
def test_oral(texte: str, attendu: str):
    assert oral(texte) == attendu


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [(dt.date(2025, 4, 1), "1er avril 2025"), (dt.date(2026, 12, 5), "5 décembre 2026")],
)
def test_date_fr(jour: dt.date, attendu: str):
    assert date_fr(jour) == attendu


def test_chaque_famille_rend_une_reponse_sur_aide_a_sa_facon(catalogue: Catalogue):
    rendeur = Rendeur(catalogue)
    reponse = Moteur.depuis_catalogue(catalogue).reponse_sur_aide("montant", "rsa")
    sms = rendeur.rendre(reponse, "sms")
    voix = rendeur.rendre(reponse, "voix")
    assert "646,52 €" in sms and "2 Qui y a droit" in sms
    assert "646 euros 52" in voix and "€" not in voix and "tapez 1" in voix
    sans_choix = rendeur.rendre(reponse, "messagerie", choix_en_texte=False)
    assert "Qui y a droit" not in sans_choix and "646,52 €" in sans_choix


def test_urgence_a_la_voix_repete_le_numero(catalogue: Catalogue):
    urgences = catalogue.urgences
    bloc = Bloc("urgence", donnees={"situation": None, "numeros": [urgences.numeros["115"]]})
    voix = Rendeur(catalogue).rendre(Reponse((bloc,)), "voix")
    assert voix.count("1, 1, 5") == 4


def test_tous_les_contenus_se_rendent_sans_probleme(catalogue: Catalogue):
    assert verifier_rendus(catalogue) == []


def test_un_bloc_sans_donnees_se_rend_une_fois_par_famille_et_par_aide(catalogue: Catalogue):
    rendeur = Rendeur(catalogue)
    rendus: list[str] = []
    original = rendeur._rendre_bloc
    rendeur._rendre_bloc = lambda bloc, famille: (
        rendus.append(bloc.nature)
        or original(  # type: ignore[method-assign]
            bloc, famille
        )
    )
    rsa, aah = Bloc("montant", aide="rsa"), Bloc("montant", aide="aah")
    premier = rendeur.rendre_bloc(rsa, "sms")
    assert rendeur.rendre_bloc(rsa, "sms") == premier and len(rendus) == 1
    assert rendeur.rendre_bloc(aah, "sms") != premier
    assert rendeur.rendre_bloc(rsa, "voix") != premier and len(rendus) == 3
    # A block with data of its own is rendered every time, with its data.
    urgences = catalogue.urgences
    for numero in ("115", "3919"):
        donnees = {"situation": None, "numeros": [urgences.numeros[numero]]}
        assert numero in rendeur.rendre_bloc(Bloc("urgence", donnees=donnees), "sms")
    assert len(rendus) == 5
