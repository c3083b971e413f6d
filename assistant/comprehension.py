"""Understanding a citizen's message: intent, aid, confidence and entities.

The message is normalised (SMS spellings, accents, fillers), its unknown words are put
back on the known vocabulary (except names: "j'habite à Bourges" keeps its town), then
phrases are found, the longest first: the words of each aid (`contenus/aides/*.yaml`),
the cues of each intent (`contenus/lexique.yaml`), the organisms. Distress is checked
before all of it. The intent is the one whose cues weigh most, with the rules below for
what the cues alone cannot tell.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from assistant.contenus import DOSSIER_CONTENUS, Catalogue
from assistant.detresse import DetecteurDetresse
from assistant.entites import extraire_entites
from assistant.lexique import Lexique, charger_lexique
from assistant.mots_requis import FiltreDeMotifs
from assistant.normalisation import Normaliseur, TexteNormalise, simplifier
from assistant.orthographe import Correcteur, PhrasesApprochees, mots_du_francais
from assistant.reperage import IndexPhrases, Reperage, Sens, racine


@dataclass(frozen=True)
class Entites:
    numero_dossier: str | None = None
    date_naissance: dt.date | None = None


@dataclass(frozen=True)
class Comprehension:
    intention: str
    aide: str | None
    confiance: float
    entites: Entites = field(default_factory=Entites)
    # When several aids are about equally likely, all of them, best first.
    aides_candidates: tuple[str, ...] = ()
    # For intent `urgence`: the id of the situation in contenus/urgences.yaml, if known.
    situation_urgence: str | None = None


# Intents about one aid; the others are about the service or the conversation.
INTENTIONS_SUR_UNE_AIDE = frozenset(
    {"info_aide", "eligibilite", "montant", "demarche", "pieces", "statut_dossier"}
)
# Intents where topical cues alone may name the aid ("c'est quoi la mutuelle").
_INTENTIONS_PAR_INDICES = INTENTIONS_SUR_UNE_AIDE - {"statut_dossier"}
_SUR_UNE_AIDE_OU_UN_ORGANISME = INTENTIONS_SUR_UNE_AIDE | {"contact"}
# Order of preference when two intents weigh the same.
_PREFERENCE = (
    "stop",
    "conseiller",
    "statut_dossier",
    "pieces",
    "montant",
    "demarche",
    "eligibilite",
    "contact",
    "orientation",
    "info_aide",
    "menu",
    "remerciement",
    "salutation",
    "hors_sujet",
)
_CONVERSATION = frozenset({"salutation", "remerciement", "menu", "hors_sujet"})
# What a message that tells a danger of another moment may ask instead of help now.
_DEMANDES_SANS_AIDE = frozenset({"orientation", "conseiller", "contact"})
_DEMANDES_APRES_UN_RECIT = _SUR_UNE_AIDE_OU_UN_ORGANISME | _DEMANDES_SANS_AIDE
# An aid the person already gets ("je suis au rsa, et la css ?") weighs this much.
_POIDS_AIDE_DEJA_PERCUE = 0.5
# Two aids whose scores are this close are both offered.
_ECART_CANDIDATES = 0.8
# One strong cue for a person ("un conseiller") wins over any question asked with it.
_SEUIL_CONSEILLER = 3.0
_BONUS_NUMERO_DOSSIER = 4.0
_BONUS_DATE = 1.0
# A contact cue with no organism nor aid named ("acheter un telephone") weighs less.
_FACTEUR_CONTACT_SANS_ORGANISME = 0.5
# ... and with one ("un rdv a la mdph"), more than a question asked with it.
_BONUS_CONTACT_ORGANISME = 1.0
_MOTS_DANS_UN_MOTIF = re.compile(r"[a-z]{4,}")
_FIN_DE_PHRASE = re.compile(r"[.!?;:\n]+")
_MOT_ECRIT = re.compile(r"[^\W\d_]+")
# A stop cue with an aid named ("la caf a stoppé mes apl") is about a payment, unless the
# message also speaks of the messages themselves ("stop les sms sur le rsa").
_MOTS_DES_MESSAGES = frozenset({
    "message", "messages", "sms", "texto", "textos", "notification", "notifications", "alerte",
    "alertes", "ecrire", "envoyer", "envoyez", "contacter", "appeler", "liste", "diffusion",
    "abonnement",
})  # fmt: skip
# A word shared by the names of this many aids at most is worth a "which one?".
_MAX_CANDIDATES_PAR_TETE = 4
# Readings remembered, for texts up to this length (longer ones seldom come back).
_LECTURES_GARDEES, _LONGUEUR_GARDEE = 4096, 160


@dataclass
class _Lecture:
    """What the phrases found in one message say."""

    aides: dict[str, float] = field(default_factory=dict)
    aides_hors_organismes: dict[str, float] = field(default_factory=dict)
    indices: dict[str, float] = field(default_factory=dict)
    intentions: dict[str, float] = field(default_factory=dict)
    organisme: bool = False
    reste: list[str] = field(default_factory=list)
    # Aids whose name starts with a word left alone in the message ("la prime").
    tetes: tuple[str, ...] = ()
    # The message follows up on the previous one ("et pour 2 enfants ?").
    relance: bool = False
    # It speaks of the messages themselves ("les sms", "m'écrire").
    sur_les_messages: bool = False


def _ajouter(scores: dict[str, float], cle: str, poids: float) -> None:
    scores[cle] = scores.get(cle, 0.0) + poids


def _meilleur(scores: dict[str, float]) -> str:
    return max(scores, key=lambda i: (scores[i], -_PREFERENCE.index(i)))


class Comprehenseur:
    def __init__(
        self,
        catalogue: Catalogue,
        lexique: Lexique | None = None,
        lectures_gardees: int = _LECTURES_GARDEES,
    ) -> None:
        """`lectures_gardees`: how many readings of recent texts to remember (0: none)."""
        self.catalogue = catalogue
        if lexique is None:
            dossier = catalogue.dossier
            if not (dossier / "lexique.yaml").exists():
                dossier = DOSSIER_CONTENUS
            lexique = charger_lexique(dossier)
        self.lexique = lexique
        self._normaliseur = Normaliseur(lexique.sms, lexique.remplissage, lexique.sauf_avant)
        self._index = IndexPhrases()
        cibles: set[str] = set()

        def ajouter(phrase: str, sens: Sens) -> None:
            mots = self._mots(phrase)
            self._index.ajouter(mots, sens)
            cibles.update(mots)

        noms_aides: list[tuple[str, ...]] = []
        # First word of an aid's names -> the aids: "prime" may be three of them.
        self._tetes: dict[str, set[str]] = {}
        for aide in catalogue.aides.values():
            for mot in aide.mots:
                ajouter(mot, Sens("aide", aide.id))
                nom = self._mots(mot)
                noms_aides.append(nom)
                tete = racine(nom[0]) if nom else ""
                if len(tete) >= 4 and tete not in lexique.vides:
                    self._tetes.setdefault(tete, set()).add(aide.id)
            for indice in aide.indices:
                ajouter(indice, Sens("indice", aide.id))
        for intention, indices in lexique.intentions.items():
            for phrase, poids in indices.items():
                ajouter(phrase, Sens("intention", intention, poids))
        for organisme in lexique.organismes:
            ajouter(organisme, Sens("organisme"))
        for politesse in lexique.politesse:
            ajouter(politesse, Sens("politesse"))
        for neutre in lexique.neutres:
            ajouter(neutre, Sens("neutre"))
        # "la caf de Marseille": after an organism and "de", a name.
        avant_un_nom = [*lexique.avant_un_nom]
        avant_un_nom += [f"{o} {de}" for o in lexique.organismes for de in ("de", "d")]
        self._avant_un_nom = {self._mots(p) for p in avant_un_nom}
        self._avant_un_nom_propre = {self._mots(p) for p in lexique.avant_un_nom_propre}
        self._deja_percue = {self._mots(p) for p in lexique.deja_percue}
        self._relances = {self._mots(p) for p in lexique.relances}
        self._longueur_avant_nom = max(
            (len(p) for p in self._avant_un_nom | self._avant_un_nom_propre), default=0
        )
        self._seuls = {
            " ".join(self._mots(phrase)): intention
            for intention, phrases in lexique.seuls.items()
            for phrase in phrases
        }

        situations = catalogue.urgences.situations
        self._detresse = DetecteurDetresse(situations, lexique, self._mots)
        self._motifs_intentions = FiltreDeMotifs(
            (
                ((intention, poids), motif)
                for intention, motifs in lexique.motifs_intentions.items()
                for motif, poids in motifs
            ),
            frozenset(lexique.vides),
        )
        for situation in situations:
            for mot in situation.mots:
                cibles.update(self._mots(mot))
        for motifs in lexique.motifs_urgence.values():
            for motif in motifs:
                cibles.update(_MOTS_DANS_UN_MOTIF.findall(motif.pattern))
        self._correcteur = Correcteur(
            cibles, self._mots_connus(catalogue, lexique), mots_du_francais()
        )
        self._noms_approches = PhrasesApprochees(noms_aides)
        # The same short messages come back all day ("1", "oui", "merci", "c quoi le rsa"):
        # reading one costs 0.2 ms on average, more than the rest of a turn (3,594 texts
        # of tests/donnees; benchmarks/cout_webhook.py: 0.44 -> 0.31 ms a webhook).
        # The reading depends on the text and the year alone; the text is stored anyway.
        self._lectures_recentes = functools.lru_cache(lectures_gardees)(self._lire_texte)

    def _mots(self, texte: str) -> tuple[str, ...]:
        return self._normaliseur(texte).tokens

    def _mots_connus(self, catalogue: Catalogue, lexique: Lexique) -> set[str]:
        """Correct French words, never corrected: those of the lexicon and the content."""
        connus = set(lexique.vides) | set(lexique.courants)
        for sens in lexique.sms.values():
            connus.update(sens.split())
        for aide in catalogue.aides.values():
            textes = [aide.nom, aide.resume, aide.delai, aide.organisme, aide.contact]
            textes += [*aide.conditions, *aide.pieces, aide.montant.texte, aide.montant.detail]
            for texte in textes:
                connus.update(self._mots(texte))
        return connus

    def comprendre(self, texte: str) -> Comprehension:
        # The year is part of the reading: "né le 3/4/08" is read against it.
        annee = dt.date.today().year
        if len(texte) > _LONGUEUR_GARDEE:
            return self._lire_texte(texte, annee)
        return self._lectures_recentes(texte, annee)

    def _lire_texte(self, texte: str, annee: int) -> Comprehension:
        normal = self._normaliseur(texte)
        mots = self._correcteur.corriger(normal.tokens, self._noms(texte, normal.tokens))
        trouvees = extraire_entites(texte, annee)
        entites = Entites(trouvees.numero_dossier, trouvees.date_naissance)

        # The words as written too: a correction must never hide distress.
        detresse = self._detresse.detecter(mots) or (
            mots != normal.tokens and self._detresse.detecter(normal.tokens)
        )
        if detresse:
            urgence = Comprehension("urgence", None, 0.9, entites, (), detresse.situation)
            if not self._detresse.danger_d_un_autre_moment(mots):
                return urgence
            # "il y a deux ans j'étais à la rue, l'apl c'est pour moi ?": the danger is
            # not now, the question is the request. Anything short of one stays urgent.
            demande = self._demande(mots, normal, entites)
            if demande.intention in _DEMANDES_APRES_UN_RECIT and (
                demande.aide or demande.intention in _DEMANDES_SANS_AIDE
            ):
                return demande
            if demande.intention == "remerciement" and detresse.situation != "suicide":
                # "grâce au 3919 j'ai pu partir l'an dernier, merci": thanks for help given.
                return demande
            return urgence
        demande = self._demande(mots, normal, entites)
        if demande.aide is None and demande.intention != "stop" and self._detresse.filet(mots):
            # Words of harm said of right now, and no aid asked about: the safe reading.
            return Comprehension("urgence", None, 0.6, entites)
        return demande

    def _demande(
        self, mots: tuple[str, ...], normal: TexteNormalise, entites: Entites
    ) -> Comprehension:
        # "je peux encore toucher" is "je peux toucher".
        mots = tuple(m for m in mots if m not in self.lexique.incises)
        reperages = self._reperer(mots)
        lecture = self._lire(mots, reperages)
        if not lecture.aides and self._detresse.question_sur_un_numero(mots):
            # "le 115 c'est gratuit ?": what an emergency number is; "le 119 est-il
            # joignable la nuit ?": how to reach it.
            intention = "contact" if "contact" in lecture.intentions else "info_aide"
            return Comprehension(intention, None, 0.7, entites)
        seul = self._seuls.get(self._sans_politesse(mots, reperages))
        if seul and not lecture.aides:
            return Comprehension(seul, None, 0.9, entites)
        if not mots:
            intention = "menu" if normal.question else "hors_sujet"
            return Comprehension(intention, None, 0.3, entites)
        if entites.numero_dossier:
            _ajouter(lecture.intentions, "statut_dossier", _BONUS_NUMERO_DOSSIER)
        if entites.date_naissance:
            _ajouter(lecture.intentions, "statut_dossier", _BONUS_DATE)
        return self._decider(lecture, entites, normal.question)

    def _noms(self, texte: str, mots: tuple[str, ...]) -> set[int]:
        """Positions of the words that name a person or a place: never corrected."""
        majuscules: set[str] = set()
        lettres = [c for c in texte if c.isalpha()]
        if sum(c.isupper() for c in lettres) * 2 < len(lettres):
            # Not all in capitals: a capital inside a sentence marks a name.
            for phrase in _FIN_DE_PHRASE.split(texte):
                for ecrit in _MOT_ECRIT.findall(phrase)[1:]:
                    if len(ecrit) >= 3 and ecrit[0].isupper() and ecrit[1:].islower():
                        majuscules.update(simplifier(ecrit).split())
        positions = set()
        for position in range(1, len(mots)):
            for longueur in range(1, min(self._longueur_avant_nom, position) + 1):
                avant = mots[position - longueur : position]
                if avant in self._avant_un_nom or (
                    avant in self._avant_un_nom_propre and mots[position] in majuscules
                ):
                    positions.add(position)
                    break
        return positions

    def _reperer(self, mots: tuple[str, ...]) -> list[Reperage]:
        reperages = self._index.reperer(mots)
        if any(s.genre == "aide" for r in reperages for s in r.sens):
            return reperages
        # No aid name written right: look for a misspelt one among the words left.
        couverts = [False] * len(mots)
        for reperage in reperages:
            couverts[reperage.debut : reperage.fin] = [True] * (reperage.fin - reperage.debut)
        debut = 0
        while debut < len(mots):
            if couverts[debut]:
                debut += 1
                continue
            fin = debut
            while fin < len(mots) and not couverts[fin]:
                fin += 1
            for d, f, phrase in self._noms_approches.chercher(mots[debut:fin]):
                reperages.append(Reperage(debut + d, debut + f, self._index.sens(phrase)))
            debut = fin
        return reperages

    @staticmethod
    def _sans_politesse(mots: tuple[str, ...], reperages: list[Reperage]) -> str:
        garde = list(mots)
        for reperage in reperages:
            if any(s.genre == "politesse" for s in reperage.sens):
                garde[reperage.debut : reperage.fin] = [""] * (reperage.fin - reperage.debut)
        return " ".join(m for m in garde if m)

    def _lire(self, mots: tuple[str, ...], reperages: list[Reperage]) -> _Lecture:
        lecture = _Lecture()
        lecture.relance = any(mots[: len(debut)] == debut for debut in self._relances)
        lecture.sur_les_messages = not _MOTS_DES_MESSAGES.isdisjoint(mots)
        texte = " ".join(mots)
        presents = frozenset(texte.split())
        for (intention, poids), motif in self._motifs_intentions.possibles(presents):
            if motif.search(texte):
                _ajouter(lecture.intentions, intention, poids)
        couverts = [False] * len(mots)
        for reperage in reperages:
            couverts[reperage.debut : reperage.fin] = [True] * (reperage.fin - reperage.debut)
            genres = {s.genre for s in reperage.sens}
            aides = [s.cible for s in reperage.sens if s.genre == "aide"]
            poids = 1.0 / len(aides) if aides else 0.0
            if aides and self._deja_percue_avant(mots, reperage.debut):
                poids *= _POIDS_AIDE_DEJA_PERCUE
            for aide in aides:
                _ajouter(lecture.aides, aide, poids)
                if "organisme" not in genres:
                    _ajouter(lecture.aides_hors_organismes, aide, poids)
            for sens in reperage.sens:
                if sens.genre == "indice":
                    _ajouter(lecture.indices, sens.cible, 1.0)
                elif sens.genre == "intention":
                    _ajouter(lecture.intentions, sens.cible, sens.poids)
            lecture.organisme = lecture.organisme or "organisme" in genres
        lecture.reste = [
            m
            for m, couvert in zip(mots, couverts, strict=True)
            if not couvert and m not in self.lexique.vides
        ]
        if not lecture.aides:
            for mot in lecture.reste:
                par_tete = self._tetes.get(racine(mot), set())
                if 2 <= len(par_tete) <= _MAX_CANDIDATES_PAR_TETE:
                    lecture.tetes = tuple(sorted(par_tete))
                    break
        return lecture

    def _deja_percue_avant(self, mots: tuple[str, ...], debut: int) -> bool:
        return any(
            mots[max(0, debut - longueur) : debut] in self._deja_percue
            for longueur in range(1, min(debut, 6) + 1)
        )

    def _choisir_aides(self, scores: dict[str, float], indices: dict[str, float]) -> list[str]:
        if not scores:
            return []
        meilleur = max(scores.values())
        proches = [a for a, s in scores.items() if s >= meilleur * _ECART_CANDIDATES]
        # Topical cues only break ties between aids already named.
        proches.sort(key=lambda a: scores[a] + 0.1 * indices.get(a, 0.0), reverse=True)
        if len(proches) > 1:
            departage = [a for a in proches if indices.get(a)]
            if len(departage) == 1:
                return departage
        return proches

    def _decider(self, lecture: _Lecture, entites: Entites, question: bool) -> Comprehension:
        intentions = dict(lecture.intentions)
        if "stop" in intentions:
            if not lecture.aides or lecture.sur_les_messages:
                return Comprehension("stop", None, 0.95, entites)
            del intentions["stop"]

        aides_nommees = lecture.aides
        if "contact" in intentions and lecture.organisme:
            # "horaires du ccas": the organism is a place to reach, not an aid.
            aides_nommees = lecture.aides_hors_organismes
            intentions["contact"] += _BONUS_CONTACT_ORGANISME
        elif "contact" in intentions and not lecture.aides:
            intentions["contact"] *= _FACTEUR_CONTACT_SANS_ORGANISME
        aides = self._choisir_aides(aides_nommees, lecture.indices)
        aide = aides[0] if aides else None
        candidates = tuple(aides) if len(aides) > 1 else ()

        # A clear request for a person wins; being lost wins over a mere greeting or thanks.
        autres = set(intentions) - {"conseiller"}
        if intentions.get("conseiller", 0.0) >= _SEUIL_CONSEILLER:
            return Comprehension("conseiller", aide, 0.9, entites, candidates)
        if "conseiller" in intentions and autres <= _CONVERSATION:
            if aide:
                # "l'aeeh ?? je comprends pas": lost about one aid, what it is comes first.
                return Comprehension("info_aide", aide, 0.6, entites, candidates)
            return Comprehension("conseiller", aide, 0.9, entites, candidates)

        if (
            aide
            and set(intentions) <= {"remerciement", "salutation"}
            and "remerciement" in intentions
        ):
            return Comprehension("remerciement", aide, 0.8, entites)
        if aide:
            for intention in _CONVERSATION:
                intentions.pop(intention, None)
            situation = intentions.pop("orientation", 0.0)
            if situation and question:
                # A situation and a named aid, asked: can I have this one?
                _ajouter(intentions, "eligibilite", situation)
        if not intentions:
            if aide:
                return Comprehension("info_aide", aide, 0.7, entites, candidates)
            if lecture.tetes:
                return Comprehension("info_aide", None, 0.5, entites, lecture.tetes)
            if lecture.organisme:
                return Comprehension("contact", None, 0.5, entites)
            if aide_evoquee := self._aide_par_indices(lecture.indices):
                return Comprehension("info_aide", aide_evoquee, 0.4, entites)
            return Comprehension("hors_sujet", None, 0.3, entites)

        intention = _meilleur(intentions)
        confiance = self._confiance(intentions, intention)
        if (
            "hors_sujet" in intentions
            and intention in _SUR_UNE_AIDE_OU_UN_ORGANISME
            and not (aide or lecture.organisme or lecture.indices)
        ):
            # "c'est quand le prochain match": a question, but about nothing of ours.
            intention = "hors_sujet"
        if not aide and intention in _INTENTIONS_PAR_INDICES and not lecture.relance:
            aide = self._aide_par_indices(lecture.indices)
        if not aide and intention == "info_aide" and not (lecture.reste or lecture.tetes):
            # "c'est quoi ?" about nothing: what the service is.
            intention = "menu"
        if not aide and intention == "eligibilite" and "orientation" in intentions:
            intention = "orientation"
        if intention == "salutation" and "remerciement" in intentions:
            intention = "remerciement"
        if not aide and intention in INTENTIONS_SUR_UNE_AIDE:
            candidates = lecture.tetes
        return Comprehension(intention, aide, confiance, entites, candidates)

    @staticmethod
    def _aide_par_indices(indices: dict[str, float]) -> str | None:
        """With no aid named, a single aid that the topical cues point to."""
        if not indices:
            return None
        meilleur = max(indices.values())
        en_tete = [a for a, s in indices.items() if s == meilleur]
        return en_tete[0] if len(en_tete) == 1 else None

    @staticmethod
    def _confiance(intentions: dict[str, float], choisie: str) -> float:
        premier = intentions.get(choisie, 0.0)
        second = max((s for i, s in intentions.items() if i != choisie), default=0.0)
        return round(min(0.95, max(0.3, 0.4 + 0.08 * premier + 0.1 * (premier - second))), 2)
