// Request parsing: the JSON body (size-capped, syntax-checked) and the pt-BR
// words of zod's problems (openapi/route.ts turns them into the error envelope).
import { exclusiveReason, jsonTypeName, limitReason, typeReason, type LimitedThing } from "../domain/limit-words";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError, type InvalidParam } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Deepest nesting of objects/arrays a body may have, the body itself being
 * level 1. Anything below (zod, the template's JSON Schema, the idempotency
 * fingerprint, the run object, reports) may then walk a body recursively
 * without risking a stack overflow — a 64 KiB body fits 32k levels.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of objects/arrays in a JSON text already known to be
 * valid, counted on the text without recursion. Stops counting past `limit`.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: the next character is escaped
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}

/** The media types Hono's json validator accepts (application/json, application/*+json). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

// hono/body-limit: a declared Content-Length over the cap is refused before
// reading; a body without one (chunked) is counted as it streams. It replaced a
// hand-written reader loop that did the same.
const limit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError("payload_too_large");
  },
});

/**
 * Reads the body once with a hard 64 KiB cap and checks it is JSON, so
 * handlers and validators see either a parsed body or one of invalid_json /
 * json_too_deep / payload_too_large — never a 500. Hono caches the text: the
 * route's validator parses it without reading the stream again.
 */
export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  // Hono's validator reads the body only for a JSON media type and otherwise
  // validates `{}`: a JSON body sent as text/plain would get a misleading
  // "missing_template_id". Say what is actually wrong instead.
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0].trim();
  if (!JSON_MEDIA_TYPE.test(mediaType)) throw new ApiError("unsupported_media_type", undefined, "Content-Type");
  // The API judges the media type alone; @hono/zod-openapi 1.6.3's gate, which
  // runs next, also refuses parameters it cannot parse (honojs/middleware#2087),
  // e.g. "application/json; charset". Those bodies were always accepted: the
  // route goes on with the media type alone.
  if (c.req.header("content-type") !== mediaType) {
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-type", mediaType);
    c.req.raw = new Request(c.req.raw, { headers });
  }
  await limit(c, async () => {
    const text = await c.req.text();
    if (text.trim() === "") throw new ApiError("invalid_json", "O corpo da requisição está vazio; envie um objeto JSON.");
    try {
      JSON.parse(text);
    } catch {
      throw new ApiError("invalid_json");
    }
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      throw new ApiError("json_too_deep", `O JSON do corpo passa de ${MAX_JSON_DEPTH} níveis de objetos e listas aninhados.`);
    }
    await next();
  });
});

/**
 * The global zod error map (installed in app.ts, over the pt-BR locale):
 * a missing field says so instead of "esperava um texto, recebeu um valor
 * \"undefined\"", and size limits quote the schema's bound in the same words
 * as the template schema's problems (src/domain/limit-words.ts), e.g. "texto longo
 * demais (máximo 255)". A message written on the schema itself wins over this.
 */
export function zodMessage(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.code === "invalid_type" && iss.input === undefined) return "campo obrigatório ausente";
  if (iss.code === "invalid_type") return typeReason([ZOD_TYPE_NAMES[iss.expected] ?? iss.expected], jsonTypeName(iss.input));
  if (iss.code !== "too_big" && iss.code !== "too_small") return undefined;
  const side = iss.code === "too_big" ? "max" : "min";
  const bound = String(side === "max" ? iss.maximum : iss.minimum);
  const thing = ZOD_ORIGINS[iss.origin];
  if (!thing) return undefined; // dates, files: the locale's message
  if (iss.exact) return iss.origin === "string" ? `deve ter exatamente ${bound} caracteres` : `deve ter exatamente ${bound} itens`;
  if (iss.inclusive === false) return exclusiveReason(side, bound);
  return limitReason(thing, side, bound);
}

/** zod's names for the types it expects, as JSON names them (what the client sends is JSON). */
const ZOD_TYPE_NAMES: Record<string, string> = { int: "integer", record: "object", map: "object", tuple: "array", set: "array" };

const ZOD_ORIGINS: Record<string, LimitedThing> = { string: "text", array: "items", set: "items", number: "value", int: "value", bigint: "value" };

export const issuePath = (issue: z.core.$ZodIssue): string =>
  issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");

/** A record key / collection element problem carries the useful message (e.g. "chave com mais de 40 caracteres") inside. */
const issueReason = (i: z.core.$ZodIssue): string =>
  (i.code === "invalid_key" || i.code === "invalid_element") && i.issues.length > 0 ? i.issues.map((n) => n.message).join("; ") : i.message;

export const issuesToParams = (issues: z.core.$ZodIssue[]): InvalidParam[] =>
  issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((k) => ({ name: [issuePath(i), k].filter(Boolean).join("."), reason: "campo desconhecido" }))
      : [{ name: issuePath(i) || "(corpo)", reason: issueReason(i) }],
  );
