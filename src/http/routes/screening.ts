// /api/v1/screening — validate, call the search, map the result (contract §14).
// Sandbox and live keys alike search the same loaded lists: the lists are public
// data, nothing of a tenant is read or written.
import { documentKind, maskDocument } from "../../domain/documents";
import { publicCleared, publicMatch, searchListsInEngine } from "../../screening/client";
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
      "Searches the service's own copy of the official lists (OFAC SDN and consolidated, UN, EU, UK, CGU CEIS / CNEP / PEP, MTE Cadastro de Empregadores): candidates from a trigram index, then careful name scoring (token order, missing middle names, initials, particles, legal forms, transliteration), then weighed against what the query knows. The same CPF, or a CNPJ of the same 8-character root (a branch), identifies the subject whatever the name; the visible digits 4–9 of a masked CPF (CEIS persons, PEP) or a birth date agreeing at the precision both sides have corroborate a name match (`strong`). Another CPF, another CNPJ root, other masked digits, birth years more than one apart or a person against an organisation contradict: the candidate is a homonym, left out of `matches` and listed under `cleared` with its reason. A name alone is at most `possible`. A different nationality or gender lowers the score a little and never clears alone. Ended sanctions and PEPs past their 5-year grace period never match. A requested list with no loaded version → 503 list_not_ready: an empty `matches` always means screened, nothing found. `versions` pins list versions (`{ \"un_sc\": \"<sha256>\" }`, as `lists[].sha256` or a run's `data.listas` recorded them) to replay a screening against what the lists said then; a version no longer kept → 409 list_version_gone. A search by `document` alone (no `name`) looks only in the lists that carry documents (the answer's `lists` says which) and finds the entries with that CPF, or a CNPJ of the same root; a masked CPF needs the name too. Sandbox and live keys search the same lists; nothing is charged.",
    auth: "api_key",
    scope: "screening:read",
    request: {
      body: jsonRequest(ScreeningSearchSchema, { name: "Abdul Hai Salek", type: "pf", birth_date: "1968", nationality: "AF", lists: ["ofac_sdn", "un_sc"] }),
    },
    responses: { 200: ok("The matches, best score first, and the list versions searched.", ScreeningResult) },
    errors: ["invalid_screening_query", "list_version_gone", "list_not_ready"],
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
          gender: q.gender ?? null,
          // Echoed the way the API shows documents everywhere: CPF masked, CNPJ in full.
          document: q.document ? maskDocument(documentKind(q.document) ?? "pj", q.document) : null,
          lists: out.lists.map((l) => l.id),
          threshold: out.threshold,
          limit: out.limit,
        },
        lists: out.lists,
        matches: out.matches.map(publicMatch),
        cleared: out.cleared.map(publicCleared),
        took_ms: out.took_ms,
      },
      200,
    );
  },
  () => "invalid_screening_query",
);

export const screeningRoutes = router([search]);
