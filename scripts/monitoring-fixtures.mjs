// Synthetic inputs of the monitoring end-to-end test and benchmark: a customer
// base (valid CPFs, Brazilian names, birth dates) as an import CSV, and UN
// designations of some of its customers to add to the consolidated list's XML.
// Deterministic: the same arguments give the same bytes.
import { mulberry32 } from "../bench/lib.mjs";

const FIRST = [
  "Ana", "Beatriz", "Bruna", "Camila", "Carla", "Cecília", "Clara", "Daniela", "Débora", "Eduarda", "Elaine", "Fernanda", "Gabriela", "Helena",
  "Isabela", "Joana", "Júlia", "Larissa", "Letícia", "Luana", "Márcia", "Mariana", "Natália", "Patrícia", "Priscila", "Raquel", "Renata", "Sabrina",
  "Tatiane", "Vanessa", "Adriano", "Alexandre", "André", "Antônio", "Bruno", "Caio", "Carlos", "César", "Daniel", "Diego", "Eduardo", "Fábio",
  "Felipe", "Fernando", "Gustavo", "Henrique", "Igor", "João", "Jorge", "Leandro", "Lucas", "Marcelo", "Marcos", "Mateus", "Paulo", "Rafael",
  "Renato", "Rodrigo", "Sérgio", "Thiago", "Vinícius", "Wagner",
];
const LAST = [
  "Almeida", "Alves", "Andrade", "Araújo", "Barbosa", "Barros", "Batista", "Borges", "Campos", "Cardoso", "Carvalho", "Castro", "Cavalcanti",
  "Correia", "Costa", "Cunha", "Dias", "Duarte", "Farias", "Fernandes", "Ferreira", "Fonseca", "Freitas", "Garcia", "Gomes", "Gonçalves",
  "Guimarães", "Lima", "Lopes", "Machado", "Magalhães", "Marques", "Martins", "Medeiros", "Melo", "Mendes", "Miranda", "Monteiro", "Moraes",
  "Moreira", "Moura", "Nascimento", "Nogueira", "Nunes", "Oliveira", "Pacheco", "Peixoto", "Pereira", "Pinheiro", "Pinto", "Queiroz", "Ramos",
  "Reis", "Ribeiro", "Rocha", "Rodrigues", "Sampaio", "Santana", "Santos", "Siqueira", "Soares", "Souza", "Tavares", "Teixeira", "Toledo",
  "Valente", "Vasconcelos", "Vieira", "Xavier", "Zanetti", "Bittencourt", "Brandão", "Coelho", "Fagundes", "Leite", "Macedo", "Paiva", "Prado",
  "Quintela", "Sardinha",
];


const mod11 = (digits, weights) => {
  const r = digits.split("").reduce((s, d, i) => s + Number(d) * weights[i], 0) % 11;
  return r < 2 ? 0 : 11 - r;
};
/** A valid CPF from a 9-digit base. */
export function cpf(base9) {
  const d1 = mod11(base9, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const d2 = mod11(base9 + d1, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return `${base9}${d1}${d2}`;
}

/** `n` customers (distinct CPFs) and their CSV, header `document,name,birth_date,nationality,external_id`. */
export function customerBase(n, seed = 19) {
  const rand = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const rows = [];
  for (let i = 0; i < n; i++) {
    const base = String(100_000_000 + ((i * 7_919_113) % 899_999_999)).padStart(9, "0");
    const year = 1940 + Math.floor(rand() * 65);
    const month = String(1 + Math.floor(rand() * 12)).padStart(2, "0");
    const day = String(1 + Math.floor(rand() * 28)).padStart(2, "0");
    let s2 = pick(LAST);
    const s1 = pick(LAST);
    if (s2 === s1) s2 = LAST[(LAST.indexOf(s1) + 1) % LAST.length];
    rows.push({ document: cpf(base), name: `${pick(FIRST)} ${pick(FIRST)} ${s1} ${s2}`, birth_date: `${year}-${month}-${day}`, external_id: `cliente-${i + 1}` });
  }
  const csv = ["document,name,birth_date,nationality,external_id", ...rows.map((r) => `${r.document},${r.name},${r.birth_date},BR,${r.external_id}`)].join("\n") + "\n";
  return { rows, csv };
}

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** UN <INDIVIDUAL> records designating these customers (their name, birth date, Brazilian nationality). */
export function designations(customers, firstId = 99_000_001) {
  return customers
    .map((c, i) => {
      const [first, ...rest] = c.name.split(" ");
      return `
    <INDIVIDUAL>
      <DATAID>${firstId + i}</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>${esc(first.toUpperCase())}</FIRST_NAME>
      <SECOND_NAME>${esc(rest.join(" ").toUpperCase())}</SECOND_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDi.9${String(i).padStart(2, "0")}</REFERENCE_NUMBER>
      <LISTED_ON>2026-11-30</LISTED_ON>
      <NATIONALITY>
        <VALUE>Brazil</VALUE>
      </NATIONALITY>
      <LIST_TYPE>
        <VALUE>UN List</VALUE>
      </LIST_TYPE>
      <INDIVIDUAL_ALIAS>
        <QUALITY/>
        <ALIAS_NAME/>
      </INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH>
        <TYPE_OF_DATE>EXACT</TYPE_OF_DATE>
        <DATE>${c.birth_date}</DATE>
      </INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT/>
    </INDIVIDUAL>`;
    })
    .join("");
}

/** The consolidated list with `records` added and a later publication date (the ingest refuses an older one). */
export function withDesignations(xml, records, dateGenerated) {
  return xml.replace("<INDIVIDUALS>", `<INDIVIDUALS>${records}`).replace(/dateGenerated="[^"]*"/, `dateGenerated="${dateGenerated}"`);
}
