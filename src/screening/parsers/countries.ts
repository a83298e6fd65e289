// Country names as the lists print them → ISO 3166-1 alpha-2. OFAC ("Korea,
// North", "Burma", "Congo, Democratic Republic of the"), the UN ("Iran (Islamic
// Republic of)", "Türkiye", "Viet Nam") and the FCDO ("Congo (Democratic
// Republic)") each have their own spelling; names map through one normalised
// key so every spelling lands on the same code. Unmapped text is kept as listed.

// ISO short names and common English forms, "CODE:name|name|…" one country a line.
const TABLE = `
AD:Andorra
AE:United Arab Emirates|UAE|U.A.E.
AF:Afghanistan
AG:Antigua and Barbuda
AI:Anguilla
AL:Albania
AM:Armenia
AO:Angola
AQ:Antarctica
AR:Argentina
AS:American Samoa
AT:Austria
AU:Australia
AW:Aruba
AX:Aland Islands
AZ:Azerbaijan
BA:Bosnia and Herzegovina|Bosnia-Herzegovina|Bosnia
BB:Barbados
BD:Bangladesh
BE:Belgium
BF:Burkina Faso
BG:Bulgaria
BH:Bahrain
BI:Burundi
BJ:Benin
BL:Saint Barthelemy
BM:Bermuda
BN:Brunei|Brunei Darussalam
BO:Bolivia|Bolivia (Plurinational State of)|Plurinational State of Bolivia
BQ:Bonaire, Sint Eustatius and Saba|Caribbean Netherlands
BR:Brazil|Brasil
BS:Bahamas|The Bahamas|Bahamas, The
BT:Bhutan
BV:Bouvet Island
BW:Botswana
BY:Belarus
BZ:Belize
CA:Canada
CC:Cocos (Keeling) Islands|Cocos Islands
CD:Democratic Republic of the Congo|Congo, Democratic Republic of the|Congo (Democratic Republic)|Democratic Republic of Congo|DR Congo|DRC|Congo-Kinshasa|Zaire
CF:Central African Republic|CAR
CG:Congo|Republic of the Congo|Congo, Republic of the|Congo (Republic)|Congo-Brazzaville
CH:Switzerland
CI:Cote d'Ivoire|Cote d Ivoire|Ivory Coast
CK:Cook Islands
CL:Chile
CM:Cameroon
CN:China|People's Republic of China|PRC
CO:Colombia
CR:Costa Rica
CU:Cuba
CV:Cabo Verde|Cape Verde
CW:Curacao
CX:Christmas Island
CY:Cyprus
CZ:Czechia|Czech Republic
DE:Germany|Federal Republic of Germany
DJ:Djibouti
DK:Denmark
DM:Dominica
DO:Dominican Republic
DZ:Algeria
EC:Ecuador
EE:Estonia
EG:Egypt
EH:Western Sahara
ER:Eritrea
ES:Spain
ET:Ethiopia
FI:Finland
FJ:Fiji
FK:Falkland Islands|Falkland Islands (Malvinas)
FM:Micronesia|Micronesia, Federated States of|Micronesia (Federated States of)
FO:Faroe Islands
FR:France
GA:Gabon
GB:United Kingdom|United Kingdom of Great Britain and Northern Ireland|UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland
GD:Grenada
GE:Georgia
GF:French Guiana
GG:Guernsey
GH:Ghana
GI:Gibraltar
GL:Greenland
GM:Gambia|The Gambia|Gambia, The
GN:Guinea
GP:Guadeloupe
GQ:Equatorial Guinea
GR:Greece
GS:South Georgia and the South Sandwich Islands
GT:Guatemala
GU:Guam
GW:Guinea-Bissau|Guinea Bissau
GY:Guyana
HK:Hong Kong|China, Hong Kong Special Administrative Region|Hong Kong SAR|Hong Kong, China
HM:Heard Island and McDonald Islands
HN:Honduras
HR:Croatia
HT:Haiti
HU:Hungary
ID:Indonesia
IE:Ireland
IL:Israel
IM:Isle of Man|Man, Isle of
IN:India
IO:British Indian Ocean Territory
IQ:Iraq
IR:Iran|Iran (Islamic Republic of)|Islamic Republic of Iran|Iran, Islamic Republic of
IS:Iceland
IT:Italy
JE:Jersey
JM:Jamaica
JO:Jordan
JP:Japan
KE:Kenya
KG:Kyrgyzstan|Kyrgyz Republic
KH:Cambodia
KI:Kiribati
KM:Comoros
KN:Saint Kitts and Nevis|St Kitts and Nevis
KP:North Korea|Korea, North|Democratic People's Republic of Korea|Korea (North)|Korea, Democratic People's Republic of|DPRK
KR:South Korea|Korea, South|Republic of Korea|Korea (South)|Korea, Republic of
KW:Kuwait
KY:Cayman Islands
KZ:Kazakhstan
LA:Laos|Lao People's Democratic Republic|Lao PDR
LB:Lebanon
LC:Saint Lucia|St Lucia
LI:Liechtenstein
LK:Sri Lanka
LR:Liberia
LS:Lesotho
LT:Lithuania
LU:Luxembourg
LV:Latvia
LY:Libya|Libyan Arab Jamahiriya
MA:Morocco
MC:Monaco
MD:Moldova|Republic of Moldova|Moldova, Republic of
ME:Montenegro
MF:Saint Martin
MG:Madagascar
MH:Marshall Islands
MK:North Macedonia|Macedonia|Macedonia, The Former Yugoslav Republic of|The former Yugoslav Republic of Macedonia|Republic of North Macedonia
ML:Mali
MM:Myanmar|Burma
MN:Mongolia
MO:Macao|Macau|China, Macao Special Administrative Region
MP:Northern Mariana Islands
MQ:Martinique
MR:Mauritania
MS:Montserrat
MT:Malta
MU:Mauritius
MV:Maldives
MW:Malawi
MX:Mexico
MY:Malaysia
MZ:Mozambique
NA:Namibia
NC:New Caledonia
NE:Niger
NF:Norfolk Island
NG:Nigeria
NI:Nicaragua
NL:Netherlands|The Netherlands|Holland
NO:Norway
NP:Nepal
NR:Nauru
NU:Niue
NZ:New Zealand
OM:Oman
PA:Panama
PE:Peru
PF:French Polynesia
PG:Papua New Guinea
PH:Philippines
PK:Pakistan
PL:Poland
PM:Saint Pierre and Miquelon
PN:Pitcairn
PR:Puerto Rico
PS:Palestine|State of Palestine|Palestinian|Palestinian Territories|Occupied Palestinian Territories|Palestinian Territory, Occupied|West Bank|Gaza|Gaza Strip|Region: Gaza
PT:Portugal
PW:Palau
PY:Paraguay
QA:Qatar
RE:Reunion
RO:Romania
RS:Serbia
RU:Russia|Russian Federation
RW:Rwanda
SA:Saudi Arabia
SB:Solomon Islands
SC:Seychelles
SD:Sudan
SE:Sweden
SG:Singapore
SH:Saint Helena|Saint Helena, Ascension and Tristan da Cunha
SI:Slovenia
SJ:Svalbard and Jan Mayen
SK:Slovakia|Slovak Republic
SL:Sierra Leone
SM:San Marino
SN:Senegal
SO:Somalia
SR:Suriname
SS:South Sudan
ST:Sao Tome and Principe
SV:El Salvador
SX:Sint Maarten
SY:Syria|Syrian Arab Republic
SZ:Eswatini|Swaziland
TC:Turks and Caicos Islands
TD:Chad
TF:French Southern Territories
TG:Togo
TH:Thailand
TJ:Tajikistan
TK:Tokelau
TL:Timor-Leste|East Timor
TM:Turkmenistan
TN:Tunisia
TO:Tonga
TR:Turkey|Türkiye|Turkiye
TT:Trinidad and Tobago
TV:Tuvalu
TW:Taiwan|Taiwan, Province of China|Chinese Taipei
TZ:Tanzania|United Republic of Tanzania|Tanzania, United Republic of
UA:Ukraine
UG:Uganda
UM:United States Minor Outlying Islands
US:United States|United States of America|USA|U.S.A.|US|U.S.
UY:Uruguay
UZ:Uzbekistan
VA:Holy See|Vatican|Vatican City|Holy See (Vatican City State)
VC:Saint Vincent and the Grenadines|St Vincent and the Grenadines
VE:Venezuela|Venezuela (Bolivarian Republic of)|Bolivarian Republic of Venezuela
VG:British Virgin Islands|Virgin Islands, British|Virgin Islands (British)
VI:US Virgin Islands|Virgin Islands, U.S.|Virgin Islands (U.S.)
VN:Vietnam|Viet Nam
VU:Vanuatu
WF:Wallis and Futuna
WS:Samoa
XK:Kosovo
YE:Yemen
YT:Mayotte
ZA:South Africa
ZM:Zambia
ZW:Zimbabwe
`;

export function countryKey(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’'`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .replace(/^the /, "");
}

const BY_NAME = new Map<string, string>();
const CODES = new Set<string>();
for (const line of TABLE.split("\n")) {
  const m = /^([A-Z]{2}):(.*)$/.exec(line.trim());
  if (!m) continue;
  CODES.add(m[1]);
  for (const name of m[2].split("|")) BY_NAME.set(countryKey(name), m[1]);
}

/** ISO alpha-2 for a country name (or an alpha-2 code), else null. */
export function countryCode(name: string): string | null {
  let raw = name.trim().replace(/\.$/, "").trim();
  if (!raw) return null;
  if (/^[A-Z]{2}$/.test(raw) && CODES.has(raw)) return raw;
  raw = raw.replace(/^(possibly|probably|reportedly|allegedly)\s+/i, "");
  const key = countryKey(raw);
  const hit = BY_NAME.get(key);
  if (hit) return hit;
  // "Congo, Democratic Republic of the" → "Democratic Republic of the Congo"
  const comma = raw.indexOf(",");
  if (comma > 0) {
    const swapped = BY_NAME.get(countryKey(`${raw.slice(comma + 1)} ${raw.slice(0, comma)}`));
    if (swapped) return swapped;
  }
  // "Iran (Islamic Republic of)" → "Iran"
  const paren = raw.replace(/\s*\([^)]*\)\s*/g, " ").trim();
  if (paren !== raw) return BY_NAME.get(countryKey(paren)) ?? null;
  return null;
}

/** The code when known, else the text as listed (trimmed, trailing period dropped); null for blanks and placeholders. */
export function nationality(name: string | undefined): string | null {
  const raw = (name ?? "").replace(/\s+/g, " ").trim().replace(/\.$/, "").trim();
  if (!raw || /^(-0-|na|n\/a|unknown|undetermined|none|none identified|stateless)$/i.test(raw)) return null;
  return countryCode(raw) ?? raw;
}
