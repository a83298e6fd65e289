// /api/v1/screening — validate, call the search, map the result (contract §14).
// Sandbox and live keys alike search the same loaded lists: the lists are public
// data, nothing of a tenant is read or written.
import { documentKind, maskDocument } from "../../domain/documents";
import { publicMatch, searchListsInEngine } from "../../screening/client";
import { requestBookmark } from "../middleware/d1-session";
import { defineRoute, jsonRequest, ok, route, router } from "../openapi/route";
import { ScreeningResult } from "../schemas/responses";
import { ScreeningSearchSchema } from "../schemas/screening";

const search = defineRoute(
  route({
    method: "post",
    path: "/search",
    operationId: "screeningSearch",
    tag: "Screening",
    summary: "Screen a name or a document against the sanctions, PEP and Brazilian lists",
    description:
      "Searches the service's own copy of the official lists (OFAC SDN and consolidated, UN, EU, UK, CGU CEIS / CNEP / PEP, MTE Cadastro de Empregadores): candidates from a trigram index, then careful name scoring (token order, missing middle names, initials, particles, legal forms, transliteration), corroborated by birth year, nationality and documents. Brazilian lists match by document first: an exact CPF/CNPJ, or for masked CPFs (CEIS persons, PEP) the visible digits 4–9 plus a name match; a different CPF/CNPJ on both sides is a homonym and never matches. Ended sanctions and PEPs past their 5-year grace period never match. A requested list with no loaded version → 503 list_not_ready: an empty `matches` always means screened, nothing found. A search by `document` alone (no `name`) looks only in the lists that carry documents (the answer's `lists` says which) and finds exact CPF/CNPJ matches. Sandbox and live keys search the same lists; nothing is charged.",
    auth: "api_key",
    scope: "screening:read",
    request: {
      body: jsonRequest(ScreeningSearchSchema, { name: "Abdul Hai Salek", type: "pf", birth_date: "1968", nationality: "AF", lists: ["ofac_sdn", "un_sc"] }),
    },
    responses: { 200: ok("The matches, best score first, and the list versions searched.", ScreeningResult) },
    errors: ["invalid_screening_query", "list_not_ready"],
  }),
  async (c) => {
    const q = c.req.valid("json");
    // Read-only: from a replica near the caller at least as new as the request's bookmark (list versions are pinned per search).
    const out = await searchListsInEngine(c.env, q, { bookmark: requestBookmark(c) });
    return c.json(
      {
        object: "screening_result" as const,
        query: {
          name: q.name ?? null,
          type: q.type ?? null,
          birth_date: q.birth_date ?? null,
          nationality: q.nationality ?? null,
          // Echoed the way the API shows documents everywhere: CPF masked, CNPJ in full.
          document: q.document ? maskDocument(documentKind(q.document) ?? "pj", q.document) : null,
          lists: out.lists.map((l) => l.id),
          threshold: out.threshold,
          limit: out.limit,
        },
        lists: out.lists,
        matches: out.matches.map(publicMatch),
        took_ms: out.took_ms,
      },
      200,
    );
  },
  () => "invalid_screening_query",
);

export const screeningRoutes = router([search]);
