// The pt-BR words for a value a schema refuses — outside a bound, of the wrong
// type, in the wrong date format — one vocabulary for the request schemas (zod,
// src/http/validate.ts zodMessage) and a template's parametros_schema (JSON
// Schema, src/runs/service.ts): a client reads "texto longo demais (máximo 255)"
// or "tipo inválido (esperado: string, recebido: number)" whichever schema
// refused the value.

export type LimitedThing = "text" | "items" | "fields" | "value";

const WORDS: Record<LimitedThing, { max: string; min: string }> = {
  text: { max: "texto longo demais", min: "texto curto demais" },
  items: { max: "itens demais", min: "itens de menos" },
  fields: { max: "campos demais", min: "campos de menos" },
  value: { max: "valor grande demais", min: "valor pequeno demais" },
};

/** "texto longo demais (máximo 255)"; without a known bound, the words alone. */
export const limitReason = (thing: LimitedThing, side: "max" | "min", bound?: string): string =>
  bound === undefined ? WORDS[thing][side] : `${WORDS[thing][side]} (${side === "max" ? "máximo" : "mínimo"} ${bound})`;

/** An exclusive bound: "valor deve ser menor que 10" / "maior que 0". */
export const exclusiveReason = (side: "max" | "min", bound?: string): string =>
  bound === undefined ? WORDS.value[side] : `valor deve ser ${side === "max" ? "menor" : "maior"} que ${bound}`;

/** The JSON type of a value as the messages name it: string, number, boolean, object, array or null. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** "tipo inválido (esperado: string, recebido: number)": the type the schema wants first, then the one sent. */
export const typeReason = (expected: readonly string[], received?: string): string =>
  `tipo inválido (esperado: ${expected.join(" ou ")}${received ? `, recebido: ${received}` : ""})`;

/** The date formats a Brazilian date field takes (a template's `format: date`). */
export const DATE_FORMATS = "AAAA-MM-DD ou DD/MM/AAAA";

/** The reason for a value a JSON Schema `format` refused, naming what the format takes. */
export function formatReason(format: string | undefined): string {
  switch (format) {
    case "date":
      return `data inválida: use ${DATE_FORMATS} (ex.: 1990-01-31 ou 31/01/1990)`;
    case "date-time":
      return "data e hora inválidas: use ISO 8601 (ex.: 2026-01-15T10:00:00-03:00)";
    case "time":
      return "hora inválida: use HH:MM:SS (ex.: 10:00:00-03:00)";
    case "email":
      return "e-mail inválido";
    case "uri":
    case "url":
      return "URL inválida";
    default:
      return format ? `formato inválido (esperado: ${format})` : "formato inválido";
  }
}
