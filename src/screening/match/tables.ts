/**
 * Word lists behind the matcher's token roles. They are general naming
 * conventions (no list-specific names): particles and titles that carry little
 * identity, generational suffixes, legal forms and their spelled-out variants,
 * generic words of organisation names, number words and a few very common
 * given-name variants. All entries are in normalised form (lower-case ASCII,
 * punctuation already turned into spaces, consecutive single letters joined:
 * "S.A." → "sa").
 */

/** Connectives inside personal names: Portuguese/Spanish/Italian/French/Dutch/German, Arabic patronymic and article forms. */
export const PARTICLES: ReadonlySet<string> = new Set([
  "da", "de", "do", "das", "dos", "e", "del", "della", "dello", "di", "du", "des", "la", "le", "lo", "y", "i",
  "van", "von", "der", "den", "ten", "ter", "vom", "zu", "zum", "zur", "op", "het",
  "bin", "ibn", "ben", "bn", "bint", "binti", "bte", "bt", "ould", "walad",
  "al", "el", "ul", "ad", "ed", "an", "ar", "as", "at", "az", "ash", "abu", "abou", "abo", "um", "umm",
  "na",
]);

/** Canonical spelling of particles whose variants mean the same thing (so "ben" pairs with "bin"). */
export const PARTICLE_CANON: Readonly<Record<string, string>> = {
  ibn: "bin", ben: "bin", bn: "bin", bint: "bin", binti: "bin", bte: "bin", bt: "bin",
  el: "al", ul: "al", ad: "al", ed: "al", an: "al", ar: "al", as: "al", at: "al", az: "al", ash: "al",
  abou: "abu", abo: "abu",
  das: "da", dos: "do", della: "de", dello: "de", del: "de", di: "de", du: "de", des: "de",
  von: "van", vom: "van",
};

/** Honorifics and religious/military titles: they say nothing about who the person is. */
export const TITLES: ReadonlySet<string> = new Set([
  "mr", "mrs", "ms", "miss", "mister", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
  "sr", "sra", "srta", "dona", "dom", "don",
  "monsieur", "madame", "mme", "mlle", "herr", "frau", "signor", "signora",
  "sheikh", "shaikh", "sheik", "shaykh", "sayyid", "syed",
  "haji", "hajji", "hadji", "alhaji", "mullah", "mulla", "maulvi", "mawlawi", "maulana", "mawlana", "qari", "hafiz",
  "imam", "prince", "princess", "king", "queen", "president", "general", "gen", "col", "colonel",
  "maj", "major", "capt", "captain", "lt", "sgt",
]);
/** Titles that are also common given names or name parts: dropped only when other name words remain. */
export const WEAK_TITLES: ReadonlySet<string> = new Set(["sayyid", "syed", "hafiz", "imam", "prince", "king", "don", "dom", "dona", "sr", "major", "general", "lord", "lady"]);

/** Spellings of the same generational suffix. */
export const SUFFIX_CANON: Readonly<Record<string, string>> = {
  jr: "junior", jnr: "junior", snr: "senior", "2nd": "ii", "3rd": "iii",
};

/** Generational and family-line suffixes (Portuguese and English). */
export const GENERATIONAL: ReadonlySet<string> = new Set([
  "filho", "filha", "junior", "jr", "jnr", "neto", "neta", "sobrinho", "sobrinha", "senior", "snr",
  "ii", "iii", "iv", "2nd", "3rd",
]);

/**
 * Legal forms → canonical code. Multi-word forms are matched as phrases first
 * (longest first). Codes of the same meaning share one value (OOO = LLC, OAO /
 * PAO / ZAO / AO = JSC, Aktiengesellschaft = AG, S.A. / S/A = SA …).
 */
export const LEGAL_FORM_PHRASES: ReadonlyArray<readonly [string, string]> = [
  ["obshchestvo s ogranichennoy otvetstvennostyu", "llc"],
  ["obshchestvo s ogranichennoi otvetstvennostiu", "llc"],
  ["tovarystvo z obmezhenoyu vidpovidalnistyu", "llc"],
  ["aktsionernoe obshchestvo", "jsc"],
  ["publichnoe aktsionernoe obshchestvo", "jsc"],
  ["otkrytoe aktsionernoe obshchestvo", "jsc"],
  ["zakrytoe aktsionernoe obshchestvo", "jsc"],
  ["avtonomnaya nekommercheskaya organizatsiya", "ano"],
  ["societatea cu raspundere limitata", "srl"],
  ["societa a responsabilita limitata", "srl"],
  ["sociedad de responsabilidad limitada", "srl"],
  ["societe a responsabilite limitee", "sarl"],
  ["sociedade limitada", "ltda"],
  ["sociedade anonima", "sa"],
  ["sociedad anonima", "sa"],
  ["societe anonyme", "sa"],
  ["empresa individual de responsabilidade limitada", "eireli"],
  ["sociedade unipessoal limitada", "ltda"],
  ["limited liability company", "llc"],
  ["limited liability partnership", "llp"],
  ["limited partnership", "lp"],
  ["public limited company", "plc"],
  ["public joint stock company", "jsc"],
  ["open joint stock company", "jsc"],
  ["closed joint stock company", "jsc"],
  ["joint stock company", "jsc"],
  ["joint stock co", "jsc"],
  ["private limited company", "ltd"],
  ["private limited", "ltd"],
  ["proprietary limited", "ltd"],
  ["gesellschaft mit beschrankter haftung", "gmbh"],
  ["gesellschaft mbh", "gmbh"],
  ["kommanditgesellschaft", "kg"],
  ["aktiengesellschaft", "ag"],
  ["sp z oo", "llc"],
  ["sp zoo", "llc"],
  ["spolka z ograniczona odpowiedzialnoscia", "llc"],
  ["sa de cv", "sa"],
  ["s de rl de cv", "srl"],
  ["s de rl", "srl"],
  ["co ltd", "ltd"],
  ["pty ltd", "ltd"],
  ["pte ltd", "ltd"],
  ["sdn bhd", "ltd"],
  ["pvt ltd", "ltd"],
  ["private ltd", "ltd"],
  ["s a", "sa"],
  ["l l c", "llc"],
];

export const LEGAL_FORM_WORDS: Readonly<Record<string, string>> = {
  ltda: "ltda", sa: "sa", eireli: "eireli", me: "me", epp: "epp", mei: "mei", ss: "ss",
  llc: "llc", lc: "llc", inc: "inc", incorporated: "inc", corp: "corp", corporation: "corp",
  co: "co", company: "co", cia: "co", companhia: "co", compania: "co", compagnie: "co", cie: "co",
  ltd: "ltd", limited: "ltd", plc: "plc", llp: "llp", lp: "lp", lllp: "lp",
  gmbh: "gmbh", mbh: "gmbh", ag: "ag", kg: "kg", kgaa: "kg", ohg: "ohg", ug: "ug", se: "se",
  sarl: "sarl", sas: "sas", sasu: "sas", srl: "srl", spa: "spa", sl: "sl", sll: "sl",
  bv: "bv", nv: "nv", vof: "vof", ab: "ab", oy: "oy", oyj: "oy", as: "as", asa: "as", aps: "aps",
  jsc: "jsc", ojsc: "jsc", cjsc: "jsc", pjsc: "jsc", oao: "jsc", zao: "jsc", pao: "jsc", ao: "jsc", jsco: "jsc",
  ooo: "llc", too: "llp", tov: "llc", ano: "ano", fgup: "fgup", gup: "gup", mup: "mup", ip: "ip",
  pty: "ltd", pte: "ltd", pvt: "ltd", bhd: "ltd", sdn: "ltd", kk: "kk", kabushiki: "kk", kaisha: "kk",
  sc: "sc", scs: "sc", na: "na", fze: "fze", fzco: "fzco", fzc: "fzc", fzllc: "llc", wll: "wll", spc: "spc",
  tic: "tic",
};
/**
 * Legal-form words that are also ordinary words or name parts in some schemas:
 * only taken as a legal form at the end (or start) of an organisation name.
 */
export const EDGE_ONLY_LEGAL: ReadonlySet<string> = new Set(["me", "ss", "co", "company", "as", "se", "sc", "na", "ip", "ab", "ao", "kk", "too", "lc", "sl", "ug", "cia", "cie", "tic", "spa", "sas", "mei"]);

/** Families of legal forms that are the same kind of company (a difference inside one family is not a conflict). */
export const LEGAL_FAMILY: Readonly<Record<string, string>> = {
  inc: "corp", corp: "corp", co: "corp", ltd: "ltd", plc: "ltd", llc: "llc", gmbh: "llc", ltda: "llc", srl: "llc", sarl: "llc",
  sl: "llc", bv: "llc", sa: "sa", ag: "sa", jsc: "sa", nv: "sa", spa: "sa", ab: "sa", as: "sa", oy: "sa", se: "sa",
};

/** Words every organisation name uses: matching on them alone proves little, and they are often dropped or swapped. */
export const GENERIC_ORG_WORDS: ReadonlySet<string> = new Set([
  "the", "of", "and", "for", "de", "la", "el", "des", "du", "und", "et", "y", "e", "in", "at", "on", "to",
  "group", "grupo", "groupe", "gruppe", "holding", "holdings", "international", "internacional", "intl", "global", "worldwide",
  "bank", "banco", "banque", "banking", "trust", "capital", "partners", "partner", "investment", "investments", "invest",
  "management", "services", "service", "servicos", "solutions", "systems", "system", "industries", "industry", "industrial",
  "enterprises", "enterprise", "trading", "trade", "technologies", "technology", "tech", "engineering", "construction",
  "energy", "resources", "development", "national", "general", "business", "finance", "financial", "insurance",
  "shipping", "logistics", "petroleum", "oil", "gas", "mining", "foundation", "association", "organization",
  "organisation", "society", "institute", "center", "centre", "agency", "authority", "ministry", "department", "office",
  "fund", "securities", "ventures", "venture", "consulting", "commercial", "comercio", "comercial", "import", "export",
  "manufacturing", "products", "marine", "maritime", "airlines", "airline", "aviation", "transport", "logistica",
  "participacoes", "empreendimentos", "incorporacoes", "industria", "servicos", "mineracao", "agropecuaria",
]);

/**
 * Places that qualify an organisation's name ("Deutsche Bank (Schweiz) AG",
 * "Faberlic Europe"): a branch or subsidiary of the same name, so they weigh
 * like generic words.
 */
export const PLACE_WORDS: ReadonlySet<string> = new Set([
  "europe", "european", "eu", "asia", "asian", "africa", "african", "america", "americas", "american", "latin", "pacific",
  "middle", "east", "west", "north", "south", "central", "gulf", "arabia", "arabian", "emirates", "uae",
  "usa", "us", "uk", "gb", "britain", "british", "china", "chinese", "hong", "kong", "hk", "japan", "india", "indian",
  "russia", "russian", "rus", "germany", "deutschland", "schweiz", "suisse", "svizzera", "switzerland", "swiss",
  "france", "italia", "italy", "espana", "spain", "portugal", "mexico", "brasil", "brazil", "chile", "argentina", "peru",
  "colombia", "canada", "australia", "singapore", "malaysia", "indonesia", "thailand", "vietnam", "korea", "turkey",
  "turkiye", "iran", "iraq", "syria", "lebanon", "jordan", "egypt", "israel", "dubai", "cyprus", "malta", "greece",
  "netherlands", "nederland", "holland", "belgium", "luxembourg", "ireland", "austria", "poland", "ukraine", "belarus",
  "kazakhstan", "sweden", "norway", "denmark", "finland", "london", "paris", "moscow", "beijing", "shanghai", "tokyo",
  "new", "york", "panama", "bvi", "cayman", "jersey", "guernsey", "liechtenstein", "monaco", "nigeria", "kenya",
  "south", "pakistan", "afghanistan", "venezuela", "cuba",
]);

/** Number words (English, Portuguese, Spanish, French, German) → value, so "Three Percenters" = "3 Percenters". */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fourty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100,
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  um: 1, dois: 2, tres: 3, quatro: 4, cinco: 5, seis: 6, sete: 7, oito: 8, nove: 9, dez: 10,
  primeiro: 1, primeira: 1, segundo: 2, segunda: 2, terceiro: 3, terceira: 3,
  uno: 1, dos: 2, cuatro: 4, siete: 7, ocho: 8, nueve: 9, diez: 10,
  un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, sept: 7, huit: 8, neuf: 9, dix: 10,
  eins: 1, zwei: 2, drei: 3, vier: 4, funf: 5, sechs: 6, sieben: 7, acht: 8, neun: 9, zehn: 10,
};
/** Number words that are also particles or names in personal names: numbers only in organisation names. */
export const AMBIGUOUS_NUMBER_WORDS: ReadonlySet<string> = new Set(["um", "dos", "un", "une", "second", "segundo", "segunda", "seis", "tres", "sept", "dix", "neuf"]);

export const ROMAN_NUMERALS: Readonly<Record<string, number>> = {
  i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8, ix: 9, x: 10, xi: 11, xii: 12, xiii: 13, xiv: 14, xv: 15, xx: 20,
};

/**
 * Common short forms of given names (English, plus a few Russian and Portuguese
 * diminutives). Each maps to the canonical full name; both sides are compared
 * through it.
 */
export const NICKNAMES: Readonly<Record<string, string>> = {
  bill: "william", will: "william", willy: "william", billy: "william", liam: "william",
  bob: "robert", bobby: "robert", rob: "robert", robbie: "robert", bert: "robert",
  dick: "richard", rick: "richard", ricky: "richard", rich: "richard",
  jim: "james", jimmy: "james", jamie: "james",
  mike: "michael", mick: "michael", mikey: "michael",
  tom: "thomas", tommy: "thomas",
  ted: "theodore", teddy: "theodore", theo: "theodore",
  ed: "edward", eddie: "edward", ned: "edward",
  tony: "anthony", toni: "antonio",
  ben: "benjamin", benji: "benjamin", bibi: "benjamin",
  barry: "barack",
  alex: "alexander", sasha: "alexander", sacha: "alexander", sandro: "alexander", alexandr: "alexander", aleksandr: "alexander", alexandre: "alexander", alejandro: "alexander", alessandro: "alexander",
  vova: "vladimir", volodya: "vladimir",
  kolya: "nikolai", misha: "mikhail", dima: "dmitry", seryozha: "sergey", zhenya: "evgeny", yevgeny: "evgeny", yevgeniy: "evgeny", evgeniy: "evgeny",
  kate: "katherine", katie: "katherine", kathy: "katherine", cathy: "katherine", catherine: "katherine", kathryn: "katherine",
  liz: "elizabeth", beth: "elizabeth", betty: "elizabeth", lisa: "elizabeth",
  peggy: "margaret", maggie: "margaret", meg: "margaret",
  jack: "john", johnny: "john", jon: "john",
  joe: "joseph", joey: "joseph", jose: "joseph", jos: "joseph",
  dave: "david", davy: "david",
  dan: "daniel", danny: "daniel",
  sam: "samuel", sammy: "samuel",
  chris: "christopher", kit: "christopher",
  nick: "nicholas", nicky: "nicholas", nikolas: "nicholas", nicolas: "nicholas",
  steve: "stephen", steven: "stephen", stefan: "stephen",
  andy: "andrew", drew: "andrew",
  matt: "matthew", pat: "patrick", paddy: "patrick",
  tim: "timothy", fred: "frederick", freddy: "frederick",
  chico: "francisco", paco: "francisco", pancho: "francisco", kiko: "francisco",
  ze: "jose", zeca: "jose", pepe: "jose",
  beto: "roberto", guto: "augusto", tonho: "antonio",
};

/**
 * Letters that are written as digits in leetspeak and OCR errors, used only
 * inside tokens that mix letters and digits ("Ig0r Sech1n").
 */
export const DIGIT_AS_LETTER: Readonly<Record<string, string>> = {
  "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
};
