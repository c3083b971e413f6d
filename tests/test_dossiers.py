"""Importing application files from CSV (CONTRAT §5), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant import import_dossiers
from assistant.dossiers import Dossier, HistoriqueStatut
from assistant.import_dossiers import ChangementStatut, importer, importer_lignes
from assistant.lecture_dossiers import LigneBrute

RACINE = Path(__file__).resolve().parent.parent
MAINTENANT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
PLUS_TARD = MAINTENANT + dt.timedelta(days=1)

ENTETE = (
    "numero,aide,statut,telephone,date_naissance,nom,pieces_manquantes,date_depot,"
    "date_decision,prochain_versement_date,prochain_versement_montant,organisme,commentaire"
)
CAMILLE = (
    "1234567,rsa,incomplet,06 39 98 00 01,1984-03-12,Camille Exemple,"
    "Avis d'imposition ; RIB;,2026-02-01,,,,CAF de Nantes,"
)
DOMINIQUE = (
    "AB-99001,aah,verse,+33 6 39 98 00 02,1979-11-02,Dominique Fictif,,2025-10-01,"
    '2025-12-15,2026-04-05,"1 033,32",MDPH du Rhône,"Premier versement, avril."'
)
CLAUDE = "7654321,apa,en_commission,,,Claude Imaginaire,,2026-01-20,,,,,"


def ecrire_csv(chemin: Path, *lignes: str, entete: str = ENTETE) -> Path:
    chemin.write_text("\n".join([entete, *lignes]) + "\n", encoding="utf-8")
    return chemin


def dossiers(moteur_sql: Engine) -> dict[str, Dossier]:
    with Session(moteur_sql) as session:
        return {d.numero: d for d in session.exec(select(Dossier)).all()}


def historique(moteur_sql: Engine) -> list[tuple[str, str | None, str, dt.datetime]]:
    with Session(moteur_sql) as session:
        requete = (
            select(Dossier.numero, HistoriqueStatut)
            .join(HistoriqueStatut, HistoriqueStatut.dossier_id == Dossier.id)  # type: ignore[arg-type]
            .order_by(HistoriqueStatut.id)  # type: ignore[arg-type]
        )
        return [
            (numero, h.ancien_statut, h.nouveau_statut, h.horodatage)
            for numero, h in session.exec(requete).all()
        ]


def instantane(moteur_sql: Engine) -> tuple[list[dict[str, Any]], int]:
    """Everything stored about files, to compare before and after a rejected import."""
    tous = sorted(dossiers(moteur_sql).values(), key=lambda d: d.numero)
    return [d.model_dump() for d in tous], len(historique(moteur_sql))


def lignes_rejetees(rapport: import_dossiers.RapportImport) -> dict[int | None, str]:
    return {rejet.ligne: " ; ".join(rejet.raisons) for rejet in rapport.rejets}


# --- Valid imports -------------------------------------------------------------------


def test_import_valide_enregistre_des_valeurs_normalisees(moteur_sql: Engine, tmp_path: Path):
    rapport = importer(
        ecrire_csv(tmp_path / "d.csv", CAMILLE, DOMINIQUE, CLAUDE), moteur_sql, MAINTENANT
    )

    assert rapport.accepte and rapport.rejets == []
    assert (rapport.ajoutes, rapport.modifies, rapport.inchanges) == (3, 0, 0)
    assert rapport.changements_statut == []
    stockes = dossiers(moteur_sql)
    assert set(stockes) == {"1234567", "AB-99001", "7654321"}

    camille = stockes["1234567"]
    assert camille.telephone == "+33639980001"
    assert camille.date_naissance == dt.date(1984, 3, 12)
    assert camille.pieces() == ["Avis d'imposition", "RIB"]
    assert camille.date_depot == dt.date(2026, 2, 1) and camille.date_decision is None
    assert camille.prochain_versement_montant is None and camille.commentaire is None
    assert camille.organisme == "CAF de Nantes"
    assert camille.maj_le == MAINTENANT

    dominique = stockes["AB-99001"]
    assert dominique.telephone == "+33639980002"
    assert dominique.prochain_versement_montant == Decimal("1033.32")
    assert isinstance(dominique.prochain_versement_montant, Decimal)
    assert dominique.prochain_versement_date == dt.date(2026, 4, 5)
    assert dominique.commentaire == "Premier versement, avril."
    assert dominique.pieces() == []

    assert stockes["7654321"].telephone is None and stockes["7654321"].nom == "Claude Imaginaire"
    assert sorted(historique(moteur_sql)) == sorted(
        [
            ("1234567", None, "incomplet", MAINTENANT),
            ("AB-99001", None, "verse", MAINTENANT),
            ("7654321", None, "en_commission", MAINTENANT),
        ]
    )


def test_colonnes_dans_un_autre_ordre_et_valeurs_a_normaliser(moteur_sql: Engine, tmp_path: Path):
    chemin = ecrire_csv(
        tmp_path / "d.csv",
        " ACCORDE , RSA ,ab12345,0033639980003,646.52",
        entete="Statut,AIDE,numero,telephone,prochain_versement_montant",
    )
    rapport = importer(chemin, moteur_sql, MAINTENANT)

    assert rapport.ajoutes == 1, rapport.lignes()
    dossier = dossiers(moteur_sql)["AB12345"]
    assert (dossier.aide, dossier.statut) == ("rsa", "accorde")
    assert dossier.telephone == "+33639980003"
    assert dossier.prochain_versement_montant == Decimal("646.52")
    assert dossier.pieces() == [] and dossier.nom is None


def test_reimport_identique_ne_change_rien(moteur_sql: Engine, tmp_path: Path):
    chemin = ecrire_csv(tmp_path / "d.csv", CAMILLE, DOMINIQUE, CLAUDE)
    importer(chemin, moteur_sql, MAINTENANT)
    avant = instantane(moteur_sql)

    rapport = importer(chemin, moteur_sql, PLUS_TARD)

    assert (rapport.ajoutes, rapport.modifies, rapport.inchanges) == (0, 0, 3)
    assert rapport.changements_statut == []
    assert instantane(moteur_sql) == avant  # maj_le included: nothing was rewritten


def test_mise_a_jour_avec_changement_de_statut(moteur_sql: Engine, tmp_path: Path):
    importer(ecrire_csv(tmp_path / "1.csv", CAMILLE, DOMINIQUE, CLAUDE), moteur_sql, MAINTENANT)
    identifiant = dossiers(moteur_sql)["1234567"].id
    camille_accordee = CAMILLE.replace(",incomplet,", ",accorde,").replace(
        "Avis d'imposition ; RIB;,2026-02-01,,", ",2026-02-01,2026-03-09,"
    )
    claude_autre_organisme = CLAUDE.removesuffix(",,") + ",Département du Nord,"

    rapport = importer(
        ecrire_csv(tmp_path / "2.csv", camille_accordee, DOMINIQUE, claude_autre_organisme),
        moteur_sql,
        PLUS_TARD,
    )

    assert (rapport.ajoutes, rapport.modifies, rapport.inchanges) == (0, 2, 1)
    assert rapport.changements_statut == [
        ChangementStatut(identifiant, "1234567", "incomplet", "accorde")  # type: ignore[arg-type]
    ]
    stockes = dossiers(moteur_sql)
    assert stockes["1234567"].statut == "accorde"
    assert stockes["1234567"].pieces() == []
    assert stockes["1234567"].date_decision == dt.date(2026, 3, 9)
    assert stockes["1234567"].maj_le == PLUS_TARD
    assert stockes["7654321"].organisme == "Département du Nord"
    assert stockes["7654321"].statut == "en_commission" and stockes["7654321"].maj_le == PLUS_TARD
    assert stockes["AB-99001"].maj_le == MAINTENANT
    # Only the status change is recorded in the history, with its former status.
    assert historique(moteur_sql)[3:] == [("1234567", "incomplet", "accorde", PLUS_TARD)]


def test_colonne_absente_garde_la_valeur_cellule_vide_l_efface(moteur_sql: Engine, tmp_path: Path):
    importer(ecrire_csv(tmp_path / "1.csv", CAMILLE), moteur_sql, MAINTENANT)

    rapport = importer(
        ecrire_csv(tmp_path / "2.csv", "1234567,rsa,incomplet,", entete="numero,aide,statut,nom"),
        moteur_sql,
        PLUS_TARD,
    )

    assert rapport.modifies == 1
    camille = dossiers(moteur_sql)["1234567"]
    assert camille.nom is None  # empty cell: cleared
    assert camille.telephone == "+33639980001"  # absent column: kept
    assert camille.pieces() == ["Avis d'imposition", "RIB"]


def test_bom_et_fins_de_ligne_windows(moteur_sql: Engine, tmp_path: Path):
    chemin = tmp_path / "excel.csv"
    contenu = "\r\n".join([ENTETE, CAMILLE, DOMINIQUE]) + "\r\n"
    chemin.write_bytes(b"\xef\xbb\xbf" + contenu.encode("utf-8"))

    rapport = importer(chemin, moteur_sql, MAINTENANT)

    assert rapport.ajoutes == 2, rapport.lignes()
    stockes = dossiers(moteur_sql)
    assert set(stockes) == {"1234567", "AB-99001"}
    assert stockes["AB-99001"].commentaire == "Premier versement, avril."
    assert stockes["1234567"].organisme == "CAF de Nantes"


def test_cellule_sur_plusieurs_lignes_et_cellules_vides_en_trop(moteur_sql: Engine, tmp_path: Path):
    chemin = ecrire_csv(
        tmp_path / "d.csv",
        '1111111,rsa,recu,"Première ligne\nseconde ligne",,',
        "2222222,rsa,statut_faux,,,",
        entete="numero,aide,statut,commentaire",
    )

    rapport = importer(chemin, moteur_sql, MAINTENANT)

    # The record after a two-line cell starts on line 4 of the file.
    assert lignes_rejetees(rapport).keys() == {4}

    ecrire_csv(chemin, '1111111,rsa,recu,"a\nb",,', entete="numero,aide,statut,commentaire")
    assert importer(chemin, moteur_sql, MAINTENANT).ajoutes == 1
    assert dossiers(moteur_sql)["1111111"].commentaire == "a\nb"


# --- Rejections ----------------------------------------------------------------------


def test_chaque_raison_de_rejet_avec_son_numero_de_ligne(moteur_sql: Engine, tmp_path: Path):
    chemin = ecrire_csv(
        tmp_path / "d.csv",
        CAMILLE,  # 2: valid
        "2000001,rsa,recu,,1984-13-01,,,,,,,,",  # 3
        "2000002,chomage,recu,,,,,,,,,,",  # 4
        "2000003,rsa,accepte,,,,,,,,,,",  # 5
        "2000004,rsa,recu,06 12,,,,,,,,,",  # 6
        "2000005,rsa,verse,,,,,,,2026-04-05,12€,,",  # 7
        "1234567,rsa,recu,,,,,,,,,,",  # 8: duplicate of line 2
        "12/34,rsa,recu,,,,,,,,,,",  # 9
        ",rsa,,,,,,,,,,,",  # 10
        "2000006,rsa,recu",  # 11
        "2000007,rsa,recu,,2030-01-01,,,,,,,,",  # 12
        "2000008,rsa,recu" + "," * 9 + "x" * 121 + ",",  # 13: organisme too long
        "2000009,rsa,recu,,,,,2026-02-30,,,,,",  # 14
    )

    rapport = importer(chemin, moteur_sql, MAINTENANT)

    assert not rapport.accepte
    assert rapport.rejetes == 12
    assert (rapport.ajoutes, rapport.modifies, rapport.inchanges) == (0, 0, 0)
    rejets = lignes_rejetees(rapport)
    assert rejets == {
        3: "date_naissance : date invalide (attendu AAAA-MM-JJ)",
        4: "aide : aide inconnue « chomage »",
        5: "statut : statut inconnu « accepte » (attendu : recu, incomplet, en_instruction, "
        "en_commission, accorde, refuse, verse, suspendu, recours, clos)",
        6: "telephone : numéro de téléphone invalide",
        7: "prochain_versement_montant : montant invalide (des euros, par exemple 646,52 "
        "ou 646.52)",
        8: "numéro de dossier déjà présent ligne 2",
        9: "numero : numéro de dossier invalide (5 à 20 lettres, chiffres ou tirets)",
        10: "numero : obligatoire, cellule vide ; statut : obligatoire, cellule vide",
        11: "3 cellule(s), 13 attendue(s)",
        12: "date_naissance : date dans le futur",
        13: "organisme : trop long (120 caractères au plus)",
        14: "date_depot : date invalide (attendu AAAA-MM-JJ)",
    }
    numeros = {rejet.ligne: rejet.numero for rejet in rapport.rejets}
    assert numeros[3] == "2000001" and numeros[8] == "1234567"
    assert numeros[9] is None  # a bad numero is not repeated
    assert dossiers(moteur_sql) == {}
    texte = "\n".join(rapport.lignes())
    assert texte.startswith("Fichier rejeté : 12 ligne(s) en erreur.")
    assert "ligne 4 (dossier 2000002) : aide : aide inconnue « chomage »" in texte


def test_le_rapport_ne_montre_ni_telephone_ni_nom_ni_naissance(moteur_sql: Engine, tmp_path: Path):
    chemin = ecrire_csv(
        tmp_path / "d.csv",
        "2000001,rsa,recu,06 39 98 00 0,1984-02-31,Camille Exemple,,,,,,,",
        "2000002,rsa,inconnu,06 39 98 00 04,1990-01-01,Dominique Fictif,,,,,,,",
    )

    texte = "\n".join(importer(chemin, moteur_sql, MAINTENANT).lignes())

    assert "ligne 2" in texte and "ligne 3" in texte
    for personnel in ("06 39", "39 98", "1984", "1990", "Camille", "Dominique", "Exemple"):
        assert personnel not in texte


def test_doublon_dans_le_fichier(moteur_sql: Engine, tmp_path: Path):
    chemin = ecrire_csv(
        tmp_path / "d.csv",
        CAMILLE,
        CLAUDE,
        CAMILLE.replace("incomplet", "recu"),
        "1234567,rsa,recu",
    )

    rapport = importer(chemin, moteur_sql, MAINTENANT)

    assert lignes_rejetees(rapport) == {
        4: "numéro de dossier déjà présent ligne 2",
        5: "3 cellule(s), 13 attendue(s)",
    }
    assert dossiers(moteur_sql) == {}


@pytest.mark.parametrize(
    ("entete", "raison"),
    [
        ("numero,aide,telephone", "colonne(s) obligatoire(s) absente(s) : statut"),
        ("numero,statut", "colonne(s) obligatoire(s) absente(s) : aide"),
        ("numero,aide,statut,telephon", "colonne(s) inconnue(s) : telephon (colonnes possibles"),
        ("numero,aide,statut,,nom", "colonne(s) inconnue(s) : (colonne 4 sans nom)"),
        ("numero,aide,statut,nom,NOM", "colonne(s) en double : nom"),
    ],
)
def test_en_tete_invalide(moteur_sql: Engine, tmp_path: Path, entete: str, raison: str):
    chemin = ecrire_csv(tmp_path / "d.csv", "1234567,rsa,recu,x,y", entete=entete)

    rapport = importer(chemin, moteur_sql, MAINTENANT)

    assert [rejet.ligne for rejet in rapport.rejets] == [1]
    assert raison in rapport.rejets[0].raisons[0]
    assert dossiers(moteur_sql) == {}


def test_fichier_pas_en_utf8_ni_lisible(moteur_sql: Engine, tmp_path: Path):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        (ENTETE + "\n" + CLAUDE + "\n" + CAMILLE.replace("RIB", "Relevé") + "\n").encode("latin-1")
    )
    rapport = importer(latin1, moteur_sql, MAINTENANT)
    assert [str(rejet) for rejet in rapport.rejets] == [
        "ligne 3 : le fichier n'est pas encodé en UTF-8"
    ]

    vide = tmp_path / "vide.csv"
    vide.write_text("\n\n", encoding="utf-8")
    assert "fichier vide" in importer(vide, moteur_sql, MAINTENANT).lignes()[1]

    absent = importer(tmp_path / "absent.csv", moteur_sql, MAINTENANT)
    assert absent.rejets[0].ligne is None
    assert "impossible de lire le fichier" in str(absent.rejets[0])
    assert "fichier introuvable" in str(absent.rejets[0])
    assert dossiers(moteur_sql) == {}


def lignes_valides(nombre: int, statut: str = "recu") -> list[str]:
    return [
        f"{3000000 + i},prime_activite,{statut},06 39 98 {i // 100 % 100:02d} {i % 100:02d},"
        f"1990-01-01,Personne Fictive,,2026-01-01,,,,CAF,"
        for i in range(nombre)
    ]


def test_tout_ou_rien_une_mauvaise_ligne_a_la_ligne_5000(moteur_sql: Engine, tmp_path: Path):
    importer(ecrire_csv(tmp_path / "avant.csv", CAMILLE, CLAUDE), moteur_sql, MAINTENANT)
    avant = instantane(moteur_sql)
    lignes = lignes_valides(6000, statut="en_instruction")
    lignes[4998] = lignes[4998].replace("2026-01-01", "01/01/2026")  # line 5000 of the file
    lignes.append(CAMILLE.replace("incomplet", "accorde"))

    rapport = importer(ecrire_csv(tmp_path / "gros.csv", *lignes), moteur_sql, PLUS_TARD)

    assert lignes_rejetees(rapport) == {5000: "date_depot : date invalide (attendu AAAA-MM-JJ)"}
    assert rapport.rejets[0].numero == "3004998"
    assert instantane(moteur_sql) == avant


def test_tout_ou_rien_annule_les_lots_deja_ecrits(
    moteur_sql: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The file changes between the check and the writing: chunks already sent are undone."""
    monkeypatch.setattr(import_dossiers, "TAILLE_LOT", 500)
    importer(ecrire_csv(tmp_path / "avant.csv", CAMILLE, CLAUDE), moteur_sql, MAINTENANT)
    avant = instantane(moteur_sql)
    colonnes = ["numero", "aide", "statut"]
    passages = 0

    def source() -> list[LigneBrute]:
        nonlocal passages
        passages += 1
        lignes = [
            LigneBrute(i + 2, {"numero": f"{4000000 + i}", "aide": "rsa", "statut": "recu"})
            for i in range(2000)
        ]
        if passages == 2:
            lignes[1800] = LigneBrute(1802, {"numero": "4001800", "aide": "rsa", "statut": "?"})
        return lignes

    # What the import's own transaction sees after each chunk it wrote.
    vus_dans_la_transaction: list[int] = []
    ecrire = import_dossiers._Ecriture.ecrire

    def ecrire_et_compter(self: Any, lot: Any, rapport: Any) -> None:
        ecrire(self, lot, rapport)
        compte = self.connexion.execute(select(func.count()).select_from(Dossier)).scalar()
        vus_dans_la_transaction.append(compte)

    monkeypatch.setattr(import_dossiers._Ecriture, "ecrire", ecrire_et_compter)
    rapport = importer_lignes(colonnes, source, moteur_sql, PLUS_TARD)

    assert passages == 2
    assert lignes_rejetees(rapport) == {1802: "le fichier a changé pendant l'import"}
    assert vus_dans_la_transaction == [502, 1002, 1502]  # three chunks were written...
    assert instantane(moteur_sql) == avant  # ...and rolled back


def test_gros_fichier_en_plusieurs_lots(moteur_sql: Engine, tmp_path: Path):
    premier = importer(
        ecrire_csv(tmp_path / "1.csv", *lignes_valides(4500)), moteur_sql, MAINTENANT
    )
    assert premier.ajoutes == 4500, premier.lignes()

    lignes = lignes_valides(4600)
    lignes[10] = lignes[10].replace(",recu,", ",incomplet,")
    lignes[4400] = lignes[4400].replace(",recu,", ",clos,")
    second = importer(ecrire_csv(tmp_path / "2.csv", *lignes), moteur_sql, PLUS_TARD)

    assert (second.ajoutes, second.modifies, second.inchanges) == (100, 2, 4498)
    assert [(c.numero, c.ancien_statut, c.nouveau_statut) for c in second.changements_statut] == [
        ("3000010", "recu", "incomplet"),
        ("3004400", "recu", "clos"),
    ]
    stockes = dossiers(moteur_sql)
    assert all(c.dossier_id == stockes[c.numero].id for c in second.changements_statut)
    with Session(moteur_sql) as session:
        nombre = session.exec(select(func.count()).select_from(HistoriqueStatut)).one()
    assert nombre == 4600 + 2


# --- The command line ----------------------------------------------------------------


def relais(*args: str, base: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{base}"}
    return subprocess.run(
        [sys.executable, "-m", "canaux.cli", *args],
        capture_output=True,
        text=True,
        cwd=base.parent,
        env=env,
        timeout=120,
    )


def test_commande_importer(tmp_path: Path):
    base = tmp_path / "relais.db"
    valide = ecrire_csv(tmp_path / "ok.csv", CAMILLE, DOMINIQUE)

    resultat = relais("dossiers", "importer", str(valide), base=base)
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == (
        "Import terminé : 2 ajouté(s), 0 mis à jour, 0 inchangé(s), 0 rejeté."
    )

    ecrire_csv(valide, CAMILLE.replace("incomplet", "accorde"), DOMINIQUE)
    resultat = relais("dossiers", "importer", str(valide), base=base)
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.splitlines() == [
        "Import terminé : 0 ajouté(s), 1 mis à jour, 1 inchangé(s), 0 rejeté.",
        "1 changement(s) de statut.",
        "0 SMS de changement de statut en file d'envoi.",  # nobody asked for one
    ]

    mauvais = ecrire_csv(tmp_path / "ko.csv", CLAUDE, "2000004,rsa,recu,06 12,,Nom Secret,,,,,,,")
    resultat = relais("dossiers", "importer", str(mauvais), base=base)
    assert resultat.returncode == 1
    assert resultat.stdout.splitlines() == [
        "Fichier rejeté : 1 ligne(s) en erreur. Aucun dossier n'a été modifié.",
        "ligne 3 (dossier 2000004) : telephone : numéro de téléphone invalide",
    ]
    assert "06 12" not in resultat.stdout + resultat.stderr
    assert "Secret" not in resultat.stdout + resultat.stderr


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        (None, "fichier introuvable"),
        (b"numero,aide\n1234567,rsa\n", "ligne 1 : colonne(s) obligatoire(s) absente(s) : statut"),
        (b"numero,aide,statut\n1234567,rsa,re\xe7u\n", "ligne 2 : le fichier n'est pas encod"),
    ],
    ids=["absent", "colonne-manquante", "pas-utf8"],
)
def test_commande_importer_fichier_refuse(tmp_path: Path, contenu: bytes | None, attendu: str):
    chemin = tmp_path / "dossiers.csv"
    if contenu is not None:
        chemin.write_bytes(contenu)

    resultat = relais("dossiers", "importer", str(chemin), base=tmp_path / "relais.db")

    assert resultat.returncode == 1
    assert attendu in resultat.stdout
    assert "Traceback" not in resultat.stdout + resultat.stderr
