import pytest

from assistant.gsm import (
    GSM7_BASE,
    GSM7_EXTENSION,
    SMSPrepare,
    decouper,
    encodage,
    longueur_septets,
    nombre_segments,
    preparer_sms,
    vers_gsm7,
)

EMOJI = "😀"  # outside the BMP: 2 UTF-16 code units


def test_alphabet_gsm7():
    assert len(GSM7_BASE) == 127  # 128 positions, one of them is the escape to the extension
    assert set("àèéùìòÉÇÄÖÑÜäöñüßÆæØøÅåΔΦΓΛΩΠΨΣΘΞ@£$¥¤§¡¿_\n\r '\"") <= GSM7_BASE
    assert frozenset("\f^{}\\[~]|€") == GSM7_EXTENSION
    assert not GSM7_BASE & GSM7_EXTENSION
    for absent in "âêîôûëïœçÀÈÊÎÔÙ’«»…\u00a0`€":
        assert absent not in GSM7_BASE, absent


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("reçu", "recu"),
        ("ça coûte 10 €", "ca coute 10 €"),
        ("être prêt", "etre pret"),
        ("Noël, naïf, août", "Noel, naif, aout"),
        ("cœur, Œuvre", "coeur, OEuvre"),
        ("À Ève, Être, Île, Ôter, OÙ, Ûber, Âge", "A Eve, Etre, Ile, Oter, OU, Uber, Age"),
        ("l’aide ‘ici’", "l'aide 'ici'"),
        ("“oui” « non »", '"oui" " non "'),
        ("attendez…", "attendez..."),
        ("10\u00a0€ et 5\u202f%", "10 € et 5 %"),
        ("2024–2025 — fin", "2024-2025 - fin"),
        ("• pièce", "- pièce"),
        ("20°C", "20 C"),
        ("dossier n° 12, N° 3", "dossier no 12, No 3"),
        ("été, là, où, Élise, Ça, æ", "été, là, où, Élise, Ça, æ"),
        ("ÿ ő Ì ñ", "y o I ñ"),  # NFKD fallback, ñ is GSM
        ("cafe\u0301", "café"),  # decomposed input is recomposed
        ("merci 🙏", "merci 🙏"),
        ("欢迎 مرحبا", "欢迎 مرحبا"),
        ("", ""),
    ],
)
def test_vers_gsm7(texte, attendu):
    assert vers_gsm7(texte) == attendu


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("recu", "GSM-7"),
        ("reçu", "UCS-2"),
        ("ça coûte 10 €", "UCS-2"),
        ("ca coute 10 €", "GSM-7"),
        ("[a]{b}~|^\\", "GSM-7"),
        ("l’aide", "UCS-2"),
        (EMOJI * 3, "UCS-2"),
        ("", "GSM-7"),
    ],
)
def test_encodage(texte, attendu):
    assert encodage(texte) == attendu


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("recu", 4),
        ("ca coute 10 €", 14),
        ("€" * 5, 10),
        ("a" * 159 + "€", 161),
        ("reçu", 4),
        ("ok " + EMOJI, 5),
        (EMOJI, 2),
        ("", 0),
    ],
)
def test_longueur_septets(texte, attendu):
    assert longueur_septets(texte) == attendu


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("a" * 159 + "€", 2),
        ("a" * 158 + "€", 1),
        ("€" * 80, 1),
        # The escape of "€" never straddles two segments: 306 septets, yet 3 segments.
        ("a" * 152 + "€" + "a" * 152, 3),
        ("a" * 151 + "€" + "a" * 153, 2),
        ("é" * 69 + "ç", 1),
        ("é" * 70 + "ç", 2),
        ("a" * 68 + EMOJI, 1),
        ("a" * 69 + EMOJI, 2),
        ("a" * 132 + EMOJI, 2),
        ("a" * 133 + EMOJI, 3),
        # A surrogate pair is not split across segments either.
        ("a" * 66 + EMOJI + "a" * 66, 3),
        (EMOJI * 35, 1),
        (EMOJI * 36, 2),
    ],
)
def test_nombre_segments(texte, attendu):
    assert nombre_segments(texte) == attendu


def _long_texte() -> str:
    phrases = [
        "Votre dossier RSA est en cours d'instruction.",
        "Il manque un justificatif de domicile de moins de 3 mois.",
        "Vous pouvez le déposer à la CAF ou au CCAS.",
        "Le versement a lieu vers le 5 du mois suivant.",
    ]
    paragraphes = [" ".join(phrases[i % 4 :] + phrases[: i % 4]) for i in range(12)]
    return "\n\n".join(paragraphes)[:1990].rsplit(" ", 1)[0] + " fin."


def test_decouper_long_texte_sans_couper_de_mot():
    texte = _long_texte()
    assert 1950 <= len(texte) <= 2000
    morceaux = decouper(texte)
    assert [len(m) for m in morceaux] == [390, 390, 390, 390, 424]  # whole paragraphs
    assert all(nombre_segments(m) <= 3 for m in morceaux)
    assert " ".join(morceaux).split() == texte.split()
    mots = set(texte.split())
    assert all(set(m.split()) <= mots for m in morceaux)


def test_decouper_prefere_les_paragraphes():
    paragraphe = "Bonjour, voici la suite de votre demande et ce qu'il faut faire."  # 64 chars
    texte = "\n\n".join([paragraphe] * 4)  # 262 septets: 2 segments
    assert decouper(texte, max_segments=1) == [paragraphe + "\n\n" + paragraphe] * 2


def test_decouper_prefere_les_phrases():
    phrase = "Une phrase courte, avec des mots."  # 33 chars
    texte = " ".join([phrase] * 6)  # 203 chars
    assert decouper(texte, max_segments=1) == [" ".join([phrase] * 4), " ".join([phrase] * 2)]


def test_decouper_sur_un_mot_sans_ponctuation():
    texte = " ".join(["mot"] * 50)  # 199 chars: "mot" x 40 is 159 chars
    assert decouper(texte, max_segments=1) == [" ".join(["mot"] * 40), " ".join(["mot"] * 10)]


@pytest.mark.parametrize(
    ("texte", "max_segments", "attendu"),
    [
        ("court", 3, ["court"]),
        ("", 3, [""]),
        ("a" * 459, 3, ["a" * 459]),
        ("a" * 161, 1, ["a" * 160, "a"]),
        ("a" * 400, 1, ["a" * 160, "a" * 160, "a" * 80]),
        ("€" * 81, 1, ["€" * 80, "€"]),
        (EMOJI * 36, 1, [EMOJI * 35, EMOJI]),
        ("lien " + "x" * 200, 1, ["lien", "x" * 160, "x" * 40]),
        ("   " + "x" * 200, 1, ["x" * 160, "x" * 40]),
        ("x" * 160 + " " * 5, 1, ["x" * 160]),
    ],
)
def test_decouper_cas_limites(texte, max_segments, attendu):
    assert decouper(texte, max_segments) == attendu


def test_decouper_chaque_morceau_garde_son_encodage():
    texte = "a " * 100 + EMOJI  # 202 units in UCS-2: 4 segments; the 200 "a " fit 2 in GSM-7
    morceaux = decouper(texte, max_segments=2)
    assert morceaux == [("a " * 100).rstrip(), EMOJI]
    assert [encodage(m) for m in morceaux] == ["GSM-7", "UCS-2"]


def test_decouper_refuse_zero_segment():
    with pytest.raises(ValueError, match="max_segments"):
        decouper("bonjour", max_segments=0)


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Dossier reçu.", [SMSPrepare("Dossier recu.", "GSM-7", 1)]),
        ("ça coûte 10 €", [SMSPrepare("ca coute 10 €", "GSM-7", 1)]),
        ("Merci 🙏", [SMSPrepare("Merci 🙏", "UCS-2", 1)]),
        (EMOJI * 3, [SMSPrepare(EMOJI * 3, "UCS-2", 1)]),
        ("ligne 1  \r\nligne 2\u00a0\r\n", [SMSPrepare("ligne 1\nligne 2\n", "GSM-7", 1)]),
        ("", [SMSPrepare("", "GSM-7", 1)]),
    ],
)
def test_preparer_sms(texte, attendu):
    assert preparer_sms(texte) == tuple(attendu)


def test_preparer_sms_long_texte_translittere():
    texte = "Votre prêt est reçu, être aidé c’est simple. " * 30  # UCS-2 before transliteration
    sms = preparer_sms(texte, max_segments=2)
    assert [s.encodage for s in sms] == ["GSM-7"] * 5
    assert [s.segments for s in sms] == [2, 2, 2, 2, 2]
    assert all(s.texte.endswith("simple.") for s in sms)
    assert " ".join(s.texte for s in sms).split() == vers_gsm7(texte).split()
