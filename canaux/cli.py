"""The `relais` command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.erreurs import RelaisErreur

if TYPE_CHECKING:
    from assistant.contenus import Catalogue
    from assistant.service import ServiceDialogue

Commande = Callable[[argparse.Namespace], int]


def _catalogue() -> Catalogue:
    from assistant.contenus import charger_catalogue

    return charger_catalogue()


def _service(args: argparse.Namespace) -> ServiceDialogue:
    from assistant.base import creer_moteur_sql, preparer_schema
    from assistant.config import lire_parametres
    from assistant.moteur import Moteur
    from assistant.service import ServiceDialogue

    parametres = lire_parametres()
    moteur_sql = creer_moteur_sql(parametres.database_url)
    preparer_schema(moteur_sql)
    return ServiceDialogue(
        Moteur.depuis_catalogue(_catalogue()),
        moteur_sql,
        cle_empreinte=parametres.relais_secret_key or "relais",
        horaires=parametres.horaires,
    )


def base_preparer(args: argparse.Namespace) -> int:
    from assistant.base import creer_moteur_sql, preparer_schema
    from assistant.config import lire_parametres

    preparer_schema(creer_moteur_sql(lire_parametres().database_url))
    print("Base de données prête.")
    return 0


def chat(args: argparse.Namespace) -> int:
    from canaux.terminal import converser

    if args.canal == "voix":
        from canaux.terminal_voix import appeler

        return appeler(_service(args), args.de)
    return converser(_service(args), args.canal, args.de)


def comprendre(args: argparse.Namespace) -> int:
    from assistant.comprehension import Comprehenseur

    comprehenseur = Comprehenseur(_catalogue())

    def objet(texte: str) -> str:
        compris = comprehenseur.comprendre(texte)
        return json.dumps(
            {
                "intention": compris.intention,
                "aide": compris.aide,
                "confiance": round(compris.confiance, 3),
            },
            ensure_ascii=False,
        )

    if args.jsonl:
        for numero, ligne in enumerate(sys.stdin, start=1):
            if not ligne.strip():
                continue
            try:
                texte = json.loads(ligne)["texte"]
            except (json.JSONDecodeError, KeyError, TypeError) as erreur:
                raise RelaisErreur(
                    f'ligne {numero} : objet JSON avec une clé "texte" attendu'
                ) from erreur
            print(objet(str(texte)), flush=True)
        return 0
    if not args.texte:
        raise RelaisErreur("Donnez un texte, ou --jsonl pour lire des lignes JSON.")
    print(objet(" ".join(args.texte)))
    return 0


def evaluer(args: argparse.Namespace) -> int:
    from assistant.comprehension import Comprehenseur
    from assistant.evaluation import evaluer as noter
    from assistant.evaluation import lignes_rapport

    chemin = Path(args.fichier)
    try:
        exemples = [
            json.loads(ligne)
            for ligne in chemin.read_text(encoding="utf-8").splitlines()
            if ligne.strip()
        ]
    except (OSError, json.JSONDecodeError) as erreur:
        raise RelaisErreur(f"{chemin} : fichier JSONL illisible ({erreur})") from erreur
    resultat = noter(exemples, Comprehenseur(_catalogue()))
    for ligne in lignes_rapport(resultat):
        print(ligne)
    print(json.dumps({k: v for k, v in resultat.items() if k != "erreurs"}, ensure_ascii=False))
    return 0


def contenus_verifier(args: argparse.Namespace) -> int:
    from assistant.verification import verifier_contenus

    problemes = verifier_contenus()
    for probleme in problemes:
        print(probleme)
    if problemes:
        return 1
    print("Contenus vérifiés : aucun problème.")
    return 0


# Seconds a stopping server gives the requests in progress; the consoles' event streams
# would otherwise hold it for minutes (their browsers reconnect to another worker).
ARRET_EN_DOUCEUR = 10


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.migration import exiger_a_jour
    from canaux import protocole_http
    from canaux.application import creer_application

    # Built once here so that a bad setting stops start-up with its sentence, in any case.
    application = creer_application()
    exiger_a_jour(application.state.relais.moteur_sql)
    print(f"Relais écoute sur http://{args.host}:{args.port}/ (simulateur : /simulateur)")
    if args.workers > 1:
        # Each worker process builds its own application from the same settings.
        uvicorn.run(
            "canaux.application:creer_application",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            http=protocole_http.CHEMIN,
            log_level="warning",
            timeout_graceful_shutdown=ARRET_EN_DOUCEUR,
        )
    else:
        uvicorn.run(
            application,
            host=args.host,
            port=args.port,
            http=protocole_http.H11SansDelai,
            log_level="warning",
            timeout_graceful_shutdown=ARRET_EN_DOUCEUR,
        )
    return 0


def dossiers_importer(args: argparse.Namespace) -> int:
    from assistant.import_dossiers import commande_importer

    return commande_importer(Path(args.fichier))


def conseillers_ajouter(args: argparse.Namespace) -> int:
    import getpass
    import os

    from sqlmodel import Session

    from assistant.base import creer_moteur_sql, preparer_schema
    from assistant.config import lire_parametres
    from assistant.conseillers import creer_conseiller

    mot_de_passe = os.environ.get("RELAIS_MOT_DE_PASSE") or getpass.getpass("Mot de passe : ")
    if "RELAIS_MOT_DE_PASSE" not in os.environ and getpass.getpass("Encore : ") != mot_de_passe:
        raise RelaisErreur("Les deux mots de passe diffèrent : rien n'a été créé.")
    moteur_sql = creer_moteur_sql(lire_parametres().database_url)
    try:
        preparer_schema(moteur_sql)
        with Session(moteur_sql) as session:
            compte = creer_conseiller(
                session, args.identifiant, mot_de_passe, nom=args.nom, role=args.role
            )
            session.commit()
            print(f"Compte « {compte.identifiant} » créé ({compte.role}).")
    finally:
        moteur_sql.dispose()
    return 0


def demo(args: argparse.Namespace) -> int:
    from assistant.demo import commande_demo

    return commande_demo()


def telegram(args: argparse.Namespace) -> int:
    from assistant.config import lire_parametres
    from canaux.telegram import commande_polling

    return commande_polling(lire_parametres(), _service(args))


def construire_analyseur() -> argparse.ArgumentParser:
    analyseur = argparse.ArgumentParser(
        prog="relais", description="Relais : les aides sociales par SMS, messagerie et téléphone."
    )
    commandes = analyseur.add_subparsers(dest="commande", required=True)

    base = commandes.add_parser("base", help="la base de données").add_subparsers(
        dest="action", required=True
    )
    base.add_parser("preparer", help="crée ou met à jour le schéma").set_defaults(
        executer=base_preparer
    )

    p = commandes.add_parser("serve", help="l'application web (webhooks, simulateur, console)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="processus (PostgreSQL conseillé)")
    p.set_defaults(executer=serve)

    dossiers = commandes.add_parser("dossiers", help="les dossiers des demandeurs")
    actions_dossiers = dossiers.add_subparsers(dest="action", required=True)
    p = actions_dossiers.add_parser("importer", help="importe ou met à jour depuis un CSV")
    p.add_argument("fichier")
    p.set_defaults(executer=dossiers_importer)

    p = (
        commandes.add_parser("conseillers", help="les comptes de la console")
        .add_subparsers(dest="action", required=True)
        .add_parser("ajouter", help="crée un compte (mot de passe demandé, ou RELAIS_MOT_DE_PASSE)")
    )
    p.add_argument("identifiant")
    p.add_argument("--nom", default="")
    p.add_argument("--role", choices=["conseiller", "admin"], default="conseiller")
    p.set_defaults(executer=conseillers_ajouter)

    commandes.add_parser("demo", help="charge les données de démonstration").set_defaults(
        executer=demo
    )

    commandes.add_parser(
        "telegram", help="le robot Telegram par long polling, sans URL publique"
    ).set_defaults(executer=telegram)

    p = commandes.add_parser("chat", help="une conversation dans le terminal")
    p.add_argument("--canal", choices=["sms", "whatsapp", "telegram", "voix"], default="sms")
    p.add_argument("--de", default="+33639980000", help="le numéro (ou l'adresse) de l'expéditeur")
    p.set_defaults(executer=chat)

    p = commandes.add_parser("comprendre", help="ce que Relais comprend d'un message")
    p.add_argument("texte", nargs="*")
    p.add_argument(
        "--jsonl", action="store_true", help="lire des lignes JSON sur l'entrée standard"
    )
    p.set_defaults(executer=comprendre)

    p = commandes.add_parser("evaluer", help="note la compréhension sur un fichier étiqueté")
    p.add_argument("fichier")
    p.set_defaults(executer=evaluer)

    contenus = commandes.add_parser("contenus", help="les contenus").add_subparsers(
        dest="action", required=True
    )
    contenus.add_parser("verifier", help="vérifie fichiers et gabarits").set_defaults(
        executer=contenus_verifier
    )
    return analyseur


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    args = construire_analyseur().parse_args(argv)
    executer: Commande = args.executer
    try:
        return executer(args)
    except RelaisErreur as erreur:
        print(f"relais : {erreur}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
