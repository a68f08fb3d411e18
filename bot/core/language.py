"""Which language a question is in, offline: by Unicode script, and for Latin script by common words.

The offline engine reads English only; a question in another language must be told so (naming the
language) rather than searched for English words it does not contain. Names of places and people in
an English question ("Koh Kong", "Goma", "Kuala Lumpur") must not make it foreign, so a Latin-script
language needs at least two of its own everyday words, more than the English ones, to be chosen.
"""

from __future__ import annotations

import re
import unicodedata

# (first code point, last code point, language named for that script)
SCRIPTS: list[tuple[int, int, str]] = [
    (0x0E00, 0x0E7F, "Thai"), (0x1780, 0x17FF, "Khmer"), (0x19E0, 0x19FF, "Khmer"),
    (0x0E80, 0x0EFF, "Lao"), (0x1000, 0x109F, "Burmese"), (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"), (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"),
    (0x0400, 0x052F, "Russian"), (0x0370, 0x03FF, "Greek"), (0x0530, 0x058F, "Armenian"),
    (0x10A0, 0x10FF, "Georgian"), (0x1200, 0x139F, "Amharic"), (0x0900, 0x097F, "Hindi"),
    (0x0980, 0x09FF, "Bengali"), (0x0A00, 0x0A7F, "Punjabi"), (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B00, 0x0B7F, "Odia"), (0x0B80, 0x0BFF, "Tamil"), (0x0C00, 0x0C7F, "Telugu"),
    (0x0C80, 0x0CFF, "Kannada"), (0x0D00, 0x0D7F, "Malayalam"), (0x0D80, 0x0DFF, "Sinhala"),
    (0x0F00, 0x0FFF, "Tibetan"), (0x1800, 0x18AF, "Mongolian"),
    (0x3040, 0x30FF, "Japanese"), (0x31F0, 0x31FF, "Japanese"), (0xAC00, 0xD7AF, "Korean"),
    (0x1100, 0x11FF, "Korean"), (0x3130, 0x318F, "Korean"),
    (0x4E00, 0x9FFF, "Chinese"), (0x3400, 0x4DBF, "Chinese"), (0xF900, 0xFAFF, "Chinese"),
]

# Letters that tell languages sharing a script apart.
PERSIAN_LETTERS = set("پچژگکی")
URDU_LETTERS = set("ٹڈڑںےھ")
UKRAINIAN_LETTERS = set("іїєґІЇЄҐ")
BULGARIAN_HINT = re.compile(r"\b(?:какво|колко|къде|кога|защо|са|във)\b", re.I)
SERBIAN_LETTERS = set("ђјљњћџЂЈЉЊЋЏ")

# Everyday words of each language that English questions do not use (question words, articles,
# prepositions, common verbs, and the words of casualty questions). Ambiguous ones ("de", "a", "die")
# count, but one word alone never decides.
WORDS: dict[str, set[str]] = {
    "French": set("""le la les un une des du de à au aux et est sont qui que quoi quel quelle quels quelles où
        quand comment pourquoi combien ont été il elle ils elles nous vous dans sur pour avec par pas ne
        ce cette ces y a-t-il morts mort blessés blessé tués déplacés guerre accord cessez-le-feu personnes
        gens dit depuis entre contre selon leur leurs aussi très plus après avant c'est qu'est-ce est-ce
        quelqu'un s'il vous plaît bonjour merci""".split()),
    "Spanish": set("""el la los las un una unos unas del de al y es son qué que quién quiénes cuál cuáles dónde
        cuándo cómo por porque cuántos cuántas cuanto cuántas han sido ha hay muertos muertas heridos
        desplazados guerra acuerdo alto fuego personas gente dijo desde entre contra según su sus también
        muy más después antes con para sin está están hola gracias""".split()),
    "Portuguese": set("""o os as um uma uns umas do da dos das de em no na nos nas e é são que quem qual quais onde
        quando como porque quantos quantas foram foi há mortos feridos deslocados guerra acordo cessar-fogo
        pessoas disse desde entre contra segundo seu sua seus suas também muito mais depois antes com
        para sem está estão olá obrigado obrigada""".split()),
    "German": set("""der die das den dem des ein eine einer eines und ist sind wer was wie wo wann warum wieviele
        wie viele wurden wurde hat haben gibt es tote toten verletzte vertriebene krieg abkommen
        waffenstillstand menschen leute sagte seit zwischen gegen laut sein ihre auch sehr mehr nach vor
        mit für ohne nicht hallo danke""".split()),
    "Italian": set("""il lo la i gli le un una uno del della dei degli delle di e è sono chi che cosa quale
        quali dove quando come perché quanti quante stati stato ci sono morti feriti sfollati guerra
        accordo cessate fuoco persone gente detto da tra contro secondo suo sua loro anche molto più dopo
        prima con per senza non ciao grazie""".split()),
    "Dutch": set("""de het een en is zijn wie wat welke waar wanneer waarom hoe hoeveel werden werd heeft hebben
        er doden gewonden ontheemden oorlog akkoord staakt-het-vuren mensen zei sinds tussen tegen volgens
        zijn haar ook zeer meer na voor met zonder niet hallo bedankt dank""".split()),
    "Indonesian/Malay": set("""yang dan di ke dari ini itu apa siapa mana kapan bagaimana mengapa kenapa berapa
        banyak orang telah sudah adalah ada tewas meninggal korban luka terluka mengungsi perang perjanjian
        gencatan senjata kata sejak antara melawan menurut juga sangat lebih setelah sebelum dengan untuk
        tanpa tidak tak terima kasih halo""".split()),
    "Vietnamese": set("""của là và có những các một người bao nhiêu ai gì đâu khi nào tại sao thế chết bị thương
        chiến tranh thỏa thuận ngừng bắn nói với cho không""".split()),
    "Turkish": set("""ve bir bu şu ne kim nerede ne zaman neden nasıl kaç kişi öldü ölü yaralı savaş anlaşma
        ateşkes dedi ile için değil mi mı mu mü çok daha sonra önce merhaba teşekkürler""".split()),
    "Polish": set("""i w na z że to jest są kto co gdzie kiedy dlaczego jak ile zginęło zabitych rannych wojna
        porozumienie zawieszenie broni ludzi powiedział od między przeciw według jego jej ich także bardzo
        więcej po przed dla bez nie cześć dziękuję""".split()),
    "Swahili": set("""na ya wa za la kwa ni nini nani wapi lini kwa nini vipi ngapi watu waliuawa waliojeruhiwa
        vita makubaliano kusitisha mapigano alisema tangu kati dhidi kulingana pia sana zaidi baada kabla
        bila hapana habari asante""".split()),
    "Tagalog": set("""ang ng mga sa na ay at si ni sino ano saan kailan bakit paano ilan namatay nasugatan
        digmaan kasunduan tigil-putukan tao sinabi mula laban ayon din napaka higit pagkatapos bago para
        hindi salamat kumusta""".split()),
}

ENGLISH = set("""the a an of and is are was were be been being has have had do does did what who whom whose which
    where when why how many much people killed died dead injured wounded displaced fled war ceasefire agreement
    said says since between against according to his her their its also very more after before with for without
    not no in on at by from about did that this these those it they he she we you i there any anyone someone
    tell me give show latest now today yesterday happened happen going will would could should can as or if so
    up out into over under just only than then get got us our my your them him both each other all some first
    last next still yet again near far report reports side sides one two three week day days month year""".split())

# Letters that only some Latin-script languages use: each one seen is one more vote for them.
LETTERS: dict[str, str] = {
    "French": "çœèêëîïûùÿ", "Spanish": "ñ¿¡", "Portuguese": "ãõ", "German": "ßäöü", "Polish": "ąćęłńśźż",
    "Turkish": "ğışİ", "Vietnamese": "ăâđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
}

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.U)


def script_language(text: str) -> str | None:
    """The language named by the script most letters are in, when it is not Latin; else None."""
    counts: dict[str, int] = {}
    latin = 0
    for ch in text:
        if not ch.isalpha():
            continue
        cp = ord(ch)
        if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:
            latin += 1
            continue
        for lo, hi, name in SCRIPTS:
            if lo <= cp <= hi:
                counts[name] = counts.get(name, 0) + 1
                break
    if not counts:
        return None
    # Japanese text mixes kana with Chinese characters; any kana makes it Japanese.
    if counts.get("Japanese"):
        counts["Japanese"] += counts.pop("Chinese", 0)
    name, n = max(counts.items(), key=lambda kv: kv[1])
    if n < max(2, latin):
        return None
    letters = set(text)
    if name == "Arabic":
        if letters & URDU_LETTERS:
            return "Urdu"
        if letters & PERSIAN_LETTERS:
            return "Persian"
    if name == "Russian":
        if letters & UKRAINIAN_LETTERS:
            return "Ukrainian"
        if letters & SERBIAN_LETTERS:
            return "Serbian"
        if BULGARIAN_HINT.search(text):
            return "Bulgarian"
    return name


def latin_language(text: str) -> str | None:
    """A Latin-script language other than English when its words clearly outnumber English ones."""
    tokens = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if not tokens:
        return None
    english = sum(1 for w in tokens if w in ENGLISH)
    best, best_score = None, 0.0
    lowered = text.lower()
    for name, vocab in WORDS.items():
        score = float(sum(1 for w in tokens if w in vocab and w not in ENGLISH))
        score += 0.5 * sum(1 for w in tokens if w in vocab and w in ENGLISH)
        score += sum(1 for ch in LETTERS.get(name, "") if ch in lowered)
        if score > best_score:
            best, best_score = name, score
    if best is None or best_score < 2 or best_score <= english:
        return None
    return best


def detect_language(text: str) -> str | None:
    """The name of the language the text is in when it is not English ('Thai', 'French'); None for English."""
    text = unicodedata.normalize("NFC", text)
    return script_language(text) or latin_language(text)


def not_english_text(language: str) -> str:
    """The offline answer to a question in another language: in English, naming what was detected."""
    return (f"I read questions in English only, and this one looks like {language}. Please ask it in English, "
            f"for example “How many people have been killed?”")
