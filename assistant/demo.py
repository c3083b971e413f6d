"""The demo data: fictional application files to try the product with.

Every phone number is in the range ARCEP keeps for fiction (06 39 98 xx xx) and every name
is obviously made up. The files go through the CSV import's own validation and upsert, so
loading them twice changes nothing. Their dates are counted from the day they are loaded,
so that a demo stays current: loading them on a later day moves those dates.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy.engine import Engine

from assistant.import_dossiers import RapportImport, importer_lignes
from assistant.lecture_dossiers import COLONNES, LigneBrute


class DossierDemo(NamedTuple):
    numero: str
    aide: str
    statut: str
    telephone: str  # "" for none
    date_naissance: str
    nom: str
    pieces_manquantes: str = ""
    depot_il_y_a: int = 30  # days
    decision_il_y_a: int | None = None  # days
    montant: str = ""  # next payment, on the 5th of next month
    organisme: str = ""
    commentaire: str = ""


TELEPHONE_UN_DOSSIER = "+33639980101"
TELEPHONE_DEUX_DOSSIERS = "+33639980102"
NUMERO_SANS_TELEPHONE = "7300003"

DOSSIERS = (
    DossierDemo("7300001", "rsa", "verse", TELEPHONE_UN_DOSSIER, "1984-03-12",
                "Camille Exemple", depot_il_y_a=75, decision_il_y_a=40, montant="646,52",
                organisme="CAF de la Loire-Atlantique"),
    DossierDemo("7300002", "aah", "en_commission", TELEPHONE_DEUX_DOSSIERS, "1979-11-02",
                "Dominique Fictif", depot_il_y_a=95, organisme="MDPH du Rhône",
                commentaire="Passage en CDAPH prévu ce mois-ci."),
    DossierDemo("7300003", "apa", "en_instruction", "", "1941-06-30", "Claude Imaginaire",
                depot_il_y_a=20, organisme="Département du Nord",
                commentaire="Visite à domicile pour évaluer le GIR à programmer."),
    DossierDemo("7300004", "css", "accorde", TELEPHONE_DEUX_DOSSIERS, "1979-11-02",
                "Dominique Fictif", depot_il_y_a=50, decision_il_y_a=6,
                organisme="CPAM du Rhône", commentaire="Complémentaire santé gratuite."),
    DossierDemo("7300005", "prime_activite", "incomplet", "+33639980105", "1996-01-21",
                "Alex Pseudonyme", "Bulletins de salaire des 3 derniers mois; RIB",
                depot_il_y_a=12, organisme="CAF de la Gironde"),
    DossierDemo("7300006", "aide_logement", "recu", "+33639980106", "2001-09-15",
                "Sacha Inventé", depot_il_y_a=3, organisme="CAF de l'Hérault"),
    DossierDemo("7300007", "allocations_familiales", "verse", "+33639980107", "1988-04-08",
                "Morgan Exemple", depot_il_y_a=120, decision_il_y_a=90, montant="151,04",
                organisme="CAF du Bas-Rhin"),
    DossierDemo("7300008", "aspa", "refuse", "+33639980108", "1957-02-27",
                "Jean Fictif", depot_il_y_a=110, decision_il_y_a=14,
                organisme="CARSAT Bretagne",
                commentaire="Ressources au-dessus du plafond. Recours possible sous 2 mois."),
    DossierDemo("7300009", "rsa", "suspendu", "+33639980109", "1975-12-01",
                "Lou Imaginaire", depot_il_y_a=400, decision_il_y_a=380,
                organisme="CAF des Bouches-du-Rhône",
                commentaire="Déclaration trimestrielle de ressources non reçue."),
    DossierDemo("7300010", "aah", "recours", "+33639980110", "1969-07-19",
                "Charlie Pseudonyme", depot_il_y_a=200, decision_il_y_a=60,
                organisme="MDPH de la Haute-Garonne",
                commentaire="Recours administratif préalable reçu."),
    DossierDemo("7300011", "bourse_etudiant", "clos", "+33639980111", "2004-05-05",
                "Noa Inventé", depot_il_y_a=330, decision_il_y_a=280,
                organisme="CROUS de Lyon", commentaire="Année universitaire terminée."),
    DossierDemo("7300012", "pch", "incomplet", "+33639980112", "1990-10-10",
                "Eden Exemple", "Certificat médical cerfa 15695; Justificatif de domicile",
                depot_il_y_a=25, organisme="MDPH de la Gironde"),
    DossierDemo("7300013", "ars", "verse", "+33639980113", "1985-08-23", "Maxime Fictif",
                depot_il_y_a=60, decision_il_y_a=45, montant="446,85",
                organisme="CAF de la Somme"),
    DossierDemo("7300014", "cheque_energie", "accorde", "+33639980114", "1950-01-14",
                "Andrea Imaginaire", depot_il_y_a=40, decision_il_y_a=10, montant="194,00",
                organisme="Agence de services et de paiement"),
    DossierDemo("7300015", "aeeh", "en_commission", "+33639980115", "1982-03-03",
                "Yael Pseudonyme", depot_il_y_a=80, organisme="MDPH de l'Isère"),
    DossierDemo("7300016", "paje", "verse", "+33639980116", "1994-06-18", "Robin Inventé",
                depot_il_y_a=70, decision_il_y_a=35, montant="1084,44",
                organisme="CAF de Paris", commentaire="Prime à la naissance."),
    DossierDemo("7300017", "cmg", "en_instruction", "+33639980117", "1991-12-24",
                "Alix Exemple", depot_il_y_a=15, organisme="CAF de Paris"),
    DossierDemo("7300018", "asf", "incomplet", "+33639980118", "1987-09-09",
                "Jules Fictif",
                "Attestation de non-versement de la pension alimentaire; Livret de famille",
                depot_il_y_a=18, organisme="CAF du Finistère"),
    DossierDemo("7300019", "fsl", "en_commission", "+33639980119", "1977-04-30",
                "Gabriel Imaginaire", depot_il_y_a=28,
                organisme="Département de la Seine-Saint-Denis",
                commentaire="Aide demandée pour un dépôt de garantie."),
    DossierDemo("7300020", "ass", "accorde", "+33639980120", "1966-02-11",
                "Marion Pseudonyme", depot_il_y_a=45, decision_il_y_a=5, montant="579,90",
                organisme="France Travail Hauts-de-France"),
    DossierDemo("7300021", "aide_ccas", "verse", "+33639980121", "1972-07-07",
                "Sam Inventé", depot_il_y_a=10, decision_il_y_a=4, montant="80,00",
                organisme="CCAS de Roubaix", commentaire="Bons alimentaires."),
    DossierDemo("7300022", "domiciliation", "accorde", "+33639980122", "1983-11-29",
                "Ange Exemple", depot_il_y_a=8, decision_il_y_a=2,
                organisme="CCAS de Marseille",
                commentaire="Adresse de domiciliation valable un an."),
    DossierDemo("7300023", "prime_activite", "verse", "+33639980123", "1999-03-25",
                "Louison Fictif", depot_il_y_a=90, decision_il_y_a=70, montant="187,45",
                organisme="MSA Midi-Pyrénées Nord"),
    DossierDemo("7300024", "aide_logement", "suspendu", "+33639980124", "1993-05-16",
                "Kim Imaginaire", depot_il_y_a=300, decision_il_y_a=270,
                organisme="CAF du Nord", commentaire="Attestation de loyer à renvoyer."),
    DossierDemo("7300025", "rsa", "refuse", "+33639980125", "2003-08-01",
                "Lilou Pseudonyme", depot_il_y_a=55, decision_il_y_a=9,
                organisme="CAF de la Moselle",
                commentaire="Condition d'âge non remplie (moins de 25 ans)."),
    DossierDemo("7300026", "css", "en_instruction", "+33639980126", "1961-10-20",
                "Hugo Inventé", depot_il_y_a=22, organisme="CPAM du Nord"),
    DossierDemo("7300027", "apa", "recours", "+33639980127", "1938-01-09",
                "Suzanne Exemple", depot_il_y_a=180, decision_il_y_a=50,
                organisme="Département de la Gironde",
                commentaire="Contestation du GIR en cours."),
    DossierDemo("7300028", "allocations_familiales", "clos", "+33639980128", "1970-06-06",
                "René Fictif", depot_il_y_a=3000, decision_il_y_a=2950,
                organisme="CAF de l'Hérault", commentaire="Le dernier enfant a eu 20 ans."),
    DossierDemo("7300029", "aspa", "recu", "+33639980129", "1958-12-12",
                "Paulette Imaginaire", depot_il_y_a=2, organisme="CARSAT Normandie"),
    DossierDemo("7300030", "aah", "incomplet", "+33639980130", "1986-02-14",
                "Lucien Pseudonyme", "Certificat médical de moins d'un an; Pièce d'identité",
                depot_il_y_a=35, organisme="MDPH du Nord"),
)  # fmt: skip


def _cinq_du_mois_suivant(jour: dt.date) -> dt.date:
    annee, mois = (jour.year + 1, 1) if jour.month == 12 else (jour.year, jour.month + 1)
    return dt.date(annee, mois, 5)


def _valeurs(dossier: DossierDemo, aujourd_hui: dt.date) -> dict[str, str]:
    def il_y_a(jours: int | None) -> str:
        return "" if jours is None else (aujourd_hui - dt.timedelta(days=jours)).isoformat()

    versement = _cinq_du_mois_suivant(aujourd_hui).isoformat() if dossier.montant else ""
    return {
        "numero": dossier.numero,
        "aide": dossier.aide,
        "statut": dossier.statut,
        "telephone": dossier.telephone,
        "date_naissance": dossier.date_naissance,
        "nom": dossier.nom,
        "pieces_manquantes": dossier.pieces_manquantes,
        "date_depot": il_y_a(dossier.depot_il_y_a),
        "date_decision": il_y_a(dossier.decision_il_y_a),
        "prochain_versement_date": versement,
        "prochain_versement_montant": dossier.montant,
        "organisme": dossier.organisme,
        "commentaire": dossier.commentaire,
    }


def charger_demo(moteur_sql: Engine, maintenant: dt.datetime) -> RapportImport:
    """Adds or refreshes the demo files; raises if the demo data does not validate."""
    lignes = [
        LigneBrute(i, _valeurs(dossier, maintenant.date()))
        for i, dossier in enumerate(DOSSIERS, start=2)
    ]
    rapport = importer_lignes(COLONNES, lambda: lignes, moteur_sql, maintenant)
    if not rapport.accepte:
        raise ValueError("données de démonstration invalides : " + " / ".join(rapport.lignes()))
    return rapport


COMPTE_DEMO, MOT_DE_PASSE_DEMO = "demo", "demo-relais"


def creer_compte_demo(moteur_sql: Engine) -> bool:
    """The console's demo agent (an admin); True if created, False if it already existed."""
    from sqlmodel import Session

    from assistant.conseillers import ADMIN, creer_conseiller, trouver

    with Session(moteur_sql) as session:
        if trouver(session, COMPTE_DEMO) is not None:
            return False
        creer_conseiller(session, COMPTE_DEMO, MOT_DE_PASSE_DEMO, nom="Conseiller démo", role=ADMIN)
        session.commit()
    return True


def commande_demo() -> int:
    """`relais demo`: loads the demo files and says which numbers to try."""
    from assistant.base import creer_moteur_sql, preparer_schema
    from assistant.config import lire_parametres
    from assistant.modeles import maintenant_utc

    moteur_sql = creer_moteur_sql(lire_parametres().database_url)
    try:
        preparer_schema(moteur_sql)
        rapport = charger_demo(moteur_sql, maintenant_utc())
        creer_compte_demo(moteur_sql)
    finally:
        moteur_sql.dispose()
    print(
        f"Démo chargée : {len(DOSSIERS)} dossiers fictifs ({rapport.ajoutes} ajouté(s), "
        f"{rapport.modifies} mis à jour, {rapport.inchanges} inchangé(s))."
    )
    print("À essayer dans le simulateur :")
    print(f"  {TELEPHONE_UN_DOSSIER} : un dossier (RSA versé)")
    print(f"  {TELEPHONE_DEUX_DOSSIERS} : deux dossiers (AAH en commission, CSS accordée)")
    print(
        f"  dossier {NUMERO_SANS_TELEPHONE} sans téléphone : donnez ce numéro "
        "et la date de naissance 30/06/1941"
    )
    print("  +33639980105 à +33639980130 : un dossier chacun, tous les statuts")
    print(f"Console des conseillers (/console) : {COMPTE_DEMO} / {MOT_DE_PASSE_DEMO} (admin)")
    return 0
