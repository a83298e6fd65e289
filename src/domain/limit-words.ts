// The pt-BR words for a value outside a schema's bound, one vocabulary for the
// request schemas (zod, src/http/validate.ts zodMessage) and a template's
// parametros_schema (JSON Schema, src/runs/service.ts): a client reads
// "texto longo demais (máximo 255)" whichever schema refused the value.

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
