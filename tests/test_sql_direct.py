"""Statements run on the driver read and write what SQLAlchemy reads and writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assistant import tour_sql
from assistant.dossiers import Dossier
from assistant.modeles import Conversation, Message, Personne
from assistant.sql_direct import Directe
from assistant.transfert import CLOS

INSTANT = dt.datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=dt.UTC)


def test_ce_qui_est_ecrit_se_relit_comme_par_l_orm(moteur_sql: Engine):
    with moteur_sql.begin() as connexion:
        personne = tour_sql.personne_verrouillee(connexion, "sms", "+33600000001", INSTANT)
        conversation = tour_sql.conversation_en_cours(connexion, personne.id, INSTANT)
        conversation.attente_depuis = INSTANT
        conversation.version = 3
        tour_sql.sauver_conversation(connexion, conversation, INSTANT)
    with Session(moteur_sql) as session:
        ecrite = session.get(Conversation, conversation.id)
        assert ecrite is not None
        assert (ecrite.version, ecrite.personne_id) == (3, personne.id)
        assert ecrite.attente_depuis is not None
        assert ecrite.attente_depuis.replace(tzinfo=dt.UTC) == INSTANT
        ecrite_par_l_orm = ecrite.attente_depuis
    with moteur_sql.begin() as connexion:
        relue = tour_sql.conversation_ouverte(connexion, personne.id)
    assert relue is not None and relue.attente_depuis == ecrite_par_l_orm
    assert relue.version == 3


def test_les_constantes_de_l_instruction_comptent(moteur_sql: Engine):
    """The latest conversation that is not closed: `!= 'clos'` and `LIMIT 1` are the
    statement's own values, given to the driver with the caller's."""
    with Session(moteur_sql) as session:
        personne = Personne(canal="sms", adresse="+33600000002")
        session.add(personne)
        session.flush()
        assert personne.id is not None
        ouverte = Conversation(personne_id=personne.id)
        session.add(ouverte)
        session.flush()
        session.add(Conversation(personne_id=personne.id, transfert=CLOS))
        attendue, personne_id = ouverte.id, personne.id
        session.commit()
    with moteur_sql.begin() as connexion:
        trouvee = tour_sql.conversation_ouverte(connexion, personne_id)
    assert trouvee is not None and trouvee.id == attendue


def test_les_montants_et_dates_d_un_dossier_comme_par_l_orm(moteur_sql: Engine):
    with Session(moteur_sql) as session:
        session.add(
            Dossier(
                numero="D-1",
                aide="rsa",
                statut="en_cours",
                telephone="+33600000003",
                date_naissance=dt.date(1970, 5, 4),
                prochain_versement_montant=Decimal("646.52"),
            )
        )
        session.commit()
    with moteur_sql.begin() as connexion:
        ligne = tour_sql.dossier_de_numero(connexion, "D-1")
        vus = tour_sql.dossiers_du_telephone(connexion, "+33600000003")
        absent = tour_sql.dossier_de_numero(connexion, "D-2")
    assert absent is None
    assert ligne.prochain_versement_montant == Decimal("646.52")
    assert ligne.date_naissance == dt.date(1970, 5, 4)
    assert [(v.numero, v.prochain_versement_montant) for v in vus] == [("D-1", Decimal("646.52"))]


def test_une_erreur_du_pilote_sort_comme_celle_de_sqlalchemy(moteur_sql: Engine):
    with moteur_sql.begin() as connexion:
        personne = tour_sql.personne_verrouillee(connexion, "sms", "+33600000004", INSTANT)
        conversation = tour_sql.conversation_en_cours(connexion, personne.id, INSTANT)
    recu = {
        "conversation_id": conversation.id,
        "canal": "sms",
        "sens": "entrant",
        "horodatage": INSTANT,
        "texte": "bonjour",
        "id_externe": "SM-unique",
    }
    with moteur_sql.begin() as connexion:
        tour_sql.enregistrer_messages(connexion, recu, [])
    with pytest.raises(IntegrityError), moteur_sql.begin() as connexion:
        tour_sql.enregistrer_messages(connexion, recu, [])
    with Session(moteur_sql) as session:
        assert len(session.exec(select(Message)).all()) == 1  # type: ignore[call-overload]


def test_plusieurs_reponses_en_une_fois(moteur_sql: Engine):
    with moteur_sql.begin() as connexion:
        personne = tour_sql.personne_verrouillee(connexion, "sms", "+33600000005", INSTANT)
        conversation = tour_sql.conversation_en_cours(connexion, personne.id, INSTANT)
        commun = {"conversation_id": conversation.id, "canal": "sms", "horodatage": INSTANT}
        sortants = [commun | {"sens": "sortant", "texte": t} for t in ("un", "deux", "trois")]
        recu = tour_sql.enregistrer_messages(
            connexion, commun | {"sens": "entrant", "texte": "?", "id_externe": "SM-5"}, sortants
        )
        deja = tour_sql.deja_recu(connexion, "sms", "SM-5")
    assert deja is not None and deja.conversation_id == conversation.id
    assert [r[0] for r in deja.reponses] == ["un", "deux", "trois"]
    with Session(moteur_sql) as session:
        reponses = session.exec(select(Message.reponse_a).where(Message.sens == "sortant"))
        assert list(reponses) == [recu] * 3


def test_une_valeur_par_defaut_calculee_doit_etre_fournie(moteur_sql: Engine):
    """SQLAlchemy would compute `cree_le` in Python; the driver cannot: a clear error."""
    instruction = Directe(insert(Personne.__table__))  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="cree_le"), moteur_sql.begin() as connexion:
        instruction.executer(connexion, {"canal": "sms", "adresse": "+33600000006"})


def test_la_cle_d_une_ligne_inseree_est_la_sienne(moteur_sql: Engine):
    """SQLite gives the key without RETURNING, PostgreSQL with it: the same key either way."""
    with moteur_sql.begin() as connexion:
        premiere = tour_sql.personne_verrouillee(connexion, "sms", "+33600000011", INSTANT)
        seconde = tour_sql.personne_verrouillee(connexion, "sms", "+33600000012", INSTANT)
    with Session(moteur_sql) as session:
        adresses = {p.id: p.adresse for p in session.exec(select(Personne))}
    assert premiere.id != seconde.id
    assert adresses[premiere.id] == "+33600000011"
    assert adresses[seconde.id] == "+33600000012"


def test_seules_les_colonnes_changees_sont_ecrites(moteur_sql: Engine):
    with moteur_sql.begin() as connexion:
        personne = tour_sql.personne_verrouillee(connexion, "sms", "+33600000013", INSTANT)
        conversation = tour_sql.conversation_en_cours(connexion, personne.id, INSTANT)
    assert conversation.changements() == {}
    conversation.etat = '{"aide": "rsa"}'
    conversation.priorite = 2
    assert conversation.changements() == {"etat": '{"aide": "rsa"}', "priorite": 2}
    # What another writer changed in between is not overwritten by this turn.
    with Session(moteur_sql) as session:
        autre = session.get(Conversation, conversation.id)
        assert autre is not None
        autre.motif_transfert = "urgence"
        session.add(autre)
        session.commit()
    conversation.version += 1
    with moteur_sql.begin() as connexion:
        tour_sql.sauver_conversation(connexion, conversation, INSTANT)
    with Session(moteur_sql) as session:
        ecrite = session.get(Conversation, conversation.id)
        assert ecrite is not None
        assert (ecrite.etat, ecrite.priorite, ecrite.version) == ('{"aide": "rsa"}', 2, 1)
        assert ecrite.motif_transfert == "urgence"


def test_la_personne_et_sa_conversation_en_une_fois_comme_en_deux(moteur_sql: Engine):
    """`personne_et_conversation` (one statement on SQLite) finds what the two lookups find:
    the latest conversation that is not closed, with the state and the date as written,
    and creates what is missing: the person, or a conversation after a closed one."""
    with Session(moteur_sql) as session:
        deux = Personne(canal="sms", adresse="+33600000011", telephone="+33600000011")
        fermee = Personne(canal="whatsapp", adresse="+33600000012", desabonne=True)
        session.add_all([deux, fermee])
        session.flush()
        assert deux.id is not None and fermee.id is not None
        session.add(Conversation(personne_id=deux.id, etat='{"a": 1}'))
        session.flush()
        derniere = Conversation(personne_id=deux.id, etat='{"b": 2}', attente_depuis=INSTANT)
        session.add_all([derniere, Conversation(personne_id=deux.id, transfert=CLOS)])
        session.add(Conversation(personne_id=fermee.id, transfert=CLOS))
        session.commit()
        ids = (deux.id, fermee.id, derniere.id)
    with moteur_sql.begin() as connexion:
        personne, conversation = tour_sql.personne_et_conversation(
            connexion, "sms", "+33600000011", INSTANT
        )
        assert (personne.id, personne.telephone, personne.desabonne) == (
            ids[0],
            "+33600000011",
            False,
        )
        assert (conversation.id, conversation.etat) == (ids[2], '{"b": 2}')
        assert conversation.attente_depuis == INSTANT
        assert conversation.changements() == {}
        assert tour_sql.conversation_ouverte(connexion, ids[0]) == conversation

        personne, conversation = tour_sql.personne_et_conversation(
            connexion, "whatsapp", "+33600000012", INSTANT
        )
        assert (personne.id, personne.desabonne) == (ids[1], True)
        assert conversation.id not in ids and conversation.etat == "{}"

        personne, conversation = tour_sql.personne_et_conversation(
            connexion, "sms", "+33600000013", INSTANT
        )
        assert personne.telephone == "+33600000013"
        assert tour_sql.personne_verrouillee(connexion, "sms", "+33600000013", INSTANT) == personne
        assert tour_sql.conversation_ouverte(connexion, personne.id) == conversation


def test_un_rejeu_se_cherche_par_les_index_partiels():
    """The replay lookups name the column of a partial index (`IS NOT NULL`): SQLite uses
    the index only when the query implies its condition, else it reads the whole table."""
    from sqlalchemy.dialects import sqlite

    from assistant.base import creer_moteur_sql, preparer_schema

    moteur = creer_moteur_sql("sqlite://")
    preparer_schema(moteur)
    brute = moteur.raw_connection().driver_connection
    assert brute is not None
    for instruction, parametres, index in (
        (tour_sql._RECU, ("sms", "SM1"), "uq_message_canal_id_externe"),
        (tour_sql._REPONSES, (1,), "ix_message_reponse_a"),
    ):
        sql = str(instruction.instruction.compile(dialect=sqlite.dialect()))
        (plan,) = brute.execute("EXPLAIN QUERY PLAN " + sql, parametres).fetchall()
        assert plan[3].startswith(f"SEARCH message USING INDEX {index} "), plan
    moteur.dispose()


def test_une_date_s_ecrit_sur_sqlite_comme_l_ecrit_sqlalchemy():
    from zoneinfo import ZoneInfo

    from sqlalchemy.dialects import sqlite
    from sqlmodel.sql.sqltypes import UTCDateTime

    from assistant.sql_direct import date_pour_sqlite

    dialecte = sqlite.dialect()
    sqlalchemy = UTCDateTime().dialect_impl(dialecte).bind_processor(dialecte)
    assert sqlalchemy is not None
    fuseaux = [dt.UTC, ZoneInfo("Europe/Paris"), ZoneInfo("America/Cayenne"),
               dt.timezone(dt.timedelta(hours=5, minutes=30))]  # fmt: skip
    for fuseau in fuseaux:
        for instant in (INSTANT, INSTANT.replace(microsecond=0), dt.datetime(1901, 1, 1, 0, 0, 1),
                        dt.datetime(2099, 12, 31, 23, 59, 59, 999999)):  # fmt: skip
            date = instant.replace(tzinfo=fuseau)
            # Twice: the second comes from the memory of the last date.
            assert date_pour_sqlite(date) == sqlalchemy(date) == date_pour_sqlite(date)
    assert date_pour_sqlite(None) is None
    with pytest.raises(ValueError):
        date_pour_sqlite(dt.datetime(2026, 3, 1, 9, 30))
    with pytest.raises(ValueError):
        sqlalchemy(dt.datetime(2026, 3, 1, 9, 30))
