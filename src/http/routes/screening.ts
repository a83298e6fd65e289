// /api/v1/screening — validate, call the search, map the result (contract §14).
// Sandbox and live keys alike search the same loaded lists: the lists are public
// data, nothing of a tenant is read or written.
import { Hono } from "hono";
import { maskDocument } from "../../domain/documents";
import type { AppEnv } from "../../env";
import { publicMatch, searchListsInEngine } from "../../screening/client";
import { BOOKMARK_HEADER } from "../middleware/d1-session";
import { requireScope } from "../middleware/auth";
import { ScreeningSearchSchema } from "../schemas/screening";
import { jsonBody, validate } from "../validate";

export const screeningRoutes = new Hono<AppEnv>();

screeningRoutes.post(
  "/search",
  requireScope("screening:read"),
  jsonBody,
  validate("json", ScreeningSearchSchema, () => "invalid_screening_query"),
  async (c) => {
    const q = c.req.valid("json");
    // Read-only: from a replica near the caller at least as new as the request's bookmark (list versions are pinned per search).
    const bookmark = c.get("d1")?.getBookmark() ?? c.req.header(BOOKMARK_HEADER)?.trim() ?? null;
    const out = await searchListsInEngine(c.env, q, { bookmark: bookmark || null });
    return c.json({
      object: "screening_result",
      query: {
        name: q.name,
        type: q.type ?? null,
        birth_date: q.birth_date ?? null,
        nationality: q.nationality ?? null,
        // Echoed the way the API shows documents everywhere: CPF masked, CNPJ in full.
        document: q.document ? maskDocument(q.document.length === 11 ? "pf" : "pj", q.document) : null,
        lists: out.lists.map((l) => l.id),
        threshold: out.threshold,
        limit: out.limit,
      },
      lists: out.lists,
      matches: out.matches.map(publicMatch),
      took_ms: out.took_ms,
    });
  },
);
