// Run use cases: create (with idempotency and credits), get, list, cancel.
// Handlers call exactly one of these; KYC rules come from src/domain.
import { exclusiveReason, formatReason, jsonTypeName, limitReason, typeReason } from "../domain/limit-words";
import { redactForLog } from "../domain/redaction";
import { Validator } from "@cfworker/json-schema";
import { createDb, replicaThenPrimary, type Db } from "../db/client";
import { cachedTerminalRun, rememberTerminalRun } from "../cache/runs";
import { publishedTemplate } from "../cache/templates";
import { findIdempotencyKey, getRunForTenant, insertRunReserving, listRuns, runFinalDecision, type RunRow } from "../db/queries/runs";
import { findTemplateVersion } from "../db/queries/templates";
import { isoDatesIn } from "../domain/dates";
import { isSandboxTestDocument, normalizeDocument, validateCnpj, validateCpf } from "../domain/documents";
import type { RunStatus, Subject, SubjectType, TemplateSnapshot } from "../domain/types";
import { webhookUrlProblem } from "../domain/webhook-url";
import { DomainError, type InvalidParam } from "../domain/errors";
import { runtimeConfig } from "../env";
import type { AuthContext } from "../lib/api-keys";
import { canonicalJson, keyedHash } from "../lib/crypto";
import { newId } from "../lib/ids";
import { keysetPage, positionAfter } from "../lib/cursor";
import { newRunRow, runInitFor } from "./records";
import { isTerminalRow, runSummary } from "./views";

export interface CreateRunBody {
  template_id: string;
  parametros?: Record<string, unknown>;
  subject?: { type: SubjectType; doc: string };
  external_id?: string;
  metadata?: Record<string, string>;
  webhook_url?: string;
  /** Enrol the subject in monitoring when the run completes (contract §17). */
  monitor?: boolean;
}

export interface Services {
  env: Env;
  /** Reads and writes: the request's D1 session (reads from a replica) when it has one, else the primary. */
  db: Db;
  /** The primary: reads a replica may not have yet (a row written a moment ago), read back at once. */
  primary: Db;
  auth: AuthContext;
  now: () => Date;
  /** Work the response need not wait for (the location cache's fill): ctx.waitUntil. */
  defer: (work: Promise<unknown>) => void;
  /**
   * After a write made elsewhere (a run object's) that returned its bookmark:
   * where to read it back so the request's session, and the bookmark its
   * response carries, include it. Without a request session: the primary.
   */
  follow: (bookmark: string) => Db;
}

export const servicesFor = (
  env: Env,
  auth: AuthContext,
  opts: { d1?: D1DatabaseSession; defer?: (work: Promise<unknown>) => void; follow?: (bookmark: string) => D1DatabaseSession } = {},
): Services => {
  const primary = createDb(env.DB);
  const follow = opts.follow;
  return {
    env,
    db: opts.d1 ? createDb(opts.d1) : primary,
    primary,
    auth,
    now: () => new Date(),
    defer: opts.defer ?? ((work) => void work.catch(() => undefined)),
    follow: (bookmark) => (follow ? createDb(follow(bookmark)) : primary),
  };
};

const IDEMPOTENCY_TTL_S = 24 * 60 * 60;

interface IdempotencyRecord {
  run_id: string;
  fingerprint: string;
  expires_at: string;
}

export interface CreatedRun {
  replayed: boolean;
  body: ReturnType<typeof acceptedBody>;
}

function acceptedBody(row: RunRow) {
  return {
    run_id: row.id,
    object: "bureau_run" as const,
    status: row.status as RunStatus,
    estimated_seconds: row.estimatedSeconds,
    livemode: row.livemode,
    external_id: row.externalId,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    webhook_url: row.webhookUrl ?? null,
    template: { id: row.templateId, version: row.templateVersion },
    created_at: row.createdAt,
  };
}

const documentField = (t: SubjectType) => (t === "pf" ? "cpf" : "cnpj");

/** Resolves the published template, subject and parametros; throws the contract's error for each problem. */
async function prepareRun(s: Services, body: CreateRunBody) {
  const template = await publishedTemplate(s.env, s.db, body.template_id, s.auth.tenantId);
  if (!template) throw new DomainError("template_not_found", undefined, "template_id");
  return prepareWith(s, body, template);
}

/**
 * The published template a company run's partners will use, for the estimate
 * only (the run object resolves it again when the partners start). Null for a
 * template without partner runs, or when it is not available.
 */
const partnerTemplateOf = async (s: Services, template: TemplateSnapshot): Promise<TemplateSnapshot | null> =>
  template.partner_runs ? ((await publishedTemplate(s.env, s.db, template.partner_runs.template_id, s.auth.tenantId)) ?? null) : null;

type PreparedRun = ReturnType<typeof prepareWith>;

/** Checks a body against one template version: the subject and parametros it needs, the webhook URL. */
function prepareWith(s: Services, body: CreateRunBody, template: TemplateSnapshot) {
  const field = documentField(template.subject_type);
  const param = `parametros.${field}`;
  const parametros: Record<string, unknown> = { ...(body.parametros ?? {}) };

  if (body.subject) {
    if (body.subject.type !== template.subject_type) {
      throw new DomainError(
        "subject_type_mismatch",
        `O template ${template.id} é para ${template.subject_type.toUpperCase()}, mas subject.type é '${body.subject.type}'.`,
        "subject.type",
      );
    }
    const given = parametros[field];
    if (typeof given === "string" && normalizeDocument(given) !== normalizeDocument(body.subject.doc)) {
      throw new DomainError("invalid_parametros", `subject.doc e ${param} trazem documentos diferentes.`, param, [
        { name: param, reason: "difere de subject.doc" },
      ]);
    }
    parametros[field] = body.subject.doc;
  }

  // Errors about the document name the field the client sent it in.
  const docParam = body.subject ? "subject.doc" : param;
  const raw = parametros[field];
  if (raw === undefined || raw === null || raw === "") {
    throw new DomainError("missing_document", `Informe ${param} (ou subject.doc).`, docParam);
  }

  // The schema first: a document of the wrong type (a number) is a type
  // problem like any other and is listed together with the others. Brazilian
  // dates (DD/MM/AAAA) of the template's date fields are read as AAAA-MM-DD,
  // for the schema and for the facts the lists weigh.
  const dated = isoDatesIn(template.parametros_schema, parametros);
  const problems = schemaProblems(template, dated);
  if (problems.length > 0) {
    throw new DomainError(
      "invalid_parametros",
      `Os parâmetros não atendem ao schema do template: ${problems.map((p) => `${p.name} (${p.reason})`).join("; ")}.`,
      problems[0].name,
      problems,
    );
  }
  // A tenant template whose schema does not type the document field.
  if (typeof raw !== "string") {
    throw new DomainError("invalid_parametros", `${param} deve ser texto.`, param, [{ name: param, reason: typeReason(["string"], jsonTypeName(raw)) }]);
  }

  const check = template.subject_type === "pf" ? validateCpf(raw) : validateCnpj(raw);
  let document: string;
  if (check.ok) document = check.value;
  else if (!s.auth.livemode && isSandboxTestDocument(template.subject_type, normalizeDocument(raw))) {
    document = normalizeDocument(raw); // documented sandbox test value
  } else throw new DomainError("invalid_document", check.message, docParam);

  if (body.webhook_url !== undefined) {
    const problem = webhookUrlProblem(body.webhook_url, { sandbox: !s.auth.livemode, loopback: runtimeConfig(s.env).webhookLoopback });
    if (problem) throw new DomainError("invalid_webhook_url", problem, "webhook_url");
  }
  const name = typeof parametros.nome === "string" ? parametros.nome : typeof parametros.razao_social === "string" ? parametros.razao_social : undefined;
  return { template, document, name, monitor: body.monitor === true, ...subjectFactsOf(dated) };
}

/**
 * What the lists need to tell homonyms apart (contract §14), from the
 * parametros of any template that declares them: `data_nascimento` (a date the
 * schema validated, YYYY-MM-DD) and `nacionalidade` (ISO 3166-1 alpha-2).
 */
function subjectFactsOf(parametros: Record<string, unknown>): { birth_date?: string; nationality?: string } {
  const out: { birth_date?: string; nationality?: string } = {};
  if (typeof parametros.data_nascimento === "string" && /^\d{4}-\d{2}-\d{2}$/.test(parametros.data_nascimento)) out.birth_date = parametros.data_nascimento;
  if (typeof parametros.nacionalidade === "string" && /^[A-Za-z]{2}$/.test(parametros.nacionalidade)) out.nationality = parametros.nacionalidade.toUpperCase();
  return out;
}

function schemaProblems(template: TemplateSnapshot, parametros: Record<string, unknown>): InvalidParam[] {
  const result = new Validator(template.parametros_schema as object, "2020-12", false).validate(parametros);
  if (result.valid) return [];
  // The validator reports a summary error per failing keyword plus one per leaf;
  // keep the leaves, one line per field.
  const seen = new Set<string>();
  const out: InvalidParam[] = [];
  for (const e of result.errors) {
    // Summaries of a keyword whose leaves follow (additionalProperties: false
    // reports "Property x does not match…" here and a `false` leaf at #/x).
    if (["properties", "additionalProperties", "unevaluatedProperties", "allOf", "$ref"].includes(e.keyword)) continue;
    const pointer = e.instanceLocation.replace(/^#\/?/, "").replace(/\//g, ".");
    let name = pointer ? `parametros.${pointer}` : "parametros";
    let reason: string;
    if (e.keyword === "false") reason = "campo desconhecido"; // the `false` schema: this field is not allowed
    else if (e.keyword === "required") {
      const m = /Instance does not have required property "([^"]+)"/.exec(e.error);
      if (m) name = `parametros.${m[1]}`;
      reason = "campo obrigatório ausente";
    } else reason = schemaReason(e.keyword, e.error);
    const key = `${name}|${reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ name, reason });
    }
  }
  return out;
}

/**
 * The pt-BR reason for one JSON Schema failure. Limits quote the schema's
 * bound, never the input: @cfworker/json-schema writes the instance first and
 * the bound last ("String is too long (250 > 200).", "500 is greater than 120."),
 * so the bound is the message's last number.
 */
const schemaReason = (keyword: string, raw: string): string => {
  const bound = raw.match(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)?.at(-1);
  switch (keyword) {
    case "type": {
      // 'Instance type "number" is invalid. Expected "string".' (several expected types: '"string", "null"').
      const received = /Instance type "([^"]+)"/.exec(raw)?.[1];
      const expected = [.../Expected (.*)\.$/.exec(raw)?.[1].matchAll(/"([^"]+)"/g) ?? []].map((m) => m[1]);
      return expected.length > 0 ? typeReason(expected, received) : "tipo inválido";
    }
    case "minLength":
      return limitReason("text", "min", bound);
    case "maxLength":
      return limitReason("text", "max", bound);
    case "minItems":
      return limitReason("items", "min", bound);
    case "maxItems":
      return limitReason("items", "max", bound);
    case "minProperties":
      return limitReason("fields", "min", bound);
    case "maxProperties":
      return limitReason("fields", "max", bound);
    case "minimum":
      return limitReason("value", "min", bound);
    case "maximum":
      return limitReason("value", "max", bound);
    case "exclusiveMinimum":
      return exclusiveReason("min", bound);
    case "exclusiveMaximum":
      return exclusiveReason("max", bound);
    case "multipleOf":
      return bound === undefined ? "valor não é múltiplo do permitido" : `valor deve ser múltiplo de ${bound}`;
    case "uniqueItems":
      return "itens repetidos";
    case "format":
      return formatReason(/format "([^"]+)"/.exec(raw)?.[1]);
    case "enum":
    case "const":
      return "valor não permitido";
    case "pattern":
      return "formato inválido";
    default:
      return `inválido (${keyword})`;
  }
};

export async function createRun(s: Services, body: CreateRunBody, idempotencyKey: string | null): Promise<CreatedRun> {
  const { auth, env, db } = s;
  const now = s.now();

  // Keyed: the body holds a CPF, and a plain hash of an 11-digit number is one
  // dictionary away from it.
  const fingerprint = await keyedHash(env.SERVER_SECRET, "idempotency-fingerprint", canonicalJson(body));
  const keyHash = idempotencyKey
    ? await keyedHash(env.SERVER_SECRET, "idempotency", `${auth.tenantId}|${auth.livemode ? "live" : "test"}|${idempotencyKey}`)
    : null;
  // The replay first: it answers with the original run whatever became of its
  // template since (a new version, unpublished) or of the balance. KV answers
  // for a key it knows; a key it does not know goes straight to the batch,
  // whose claim is the authoritative check (claim_taken below): no round trip
  // to the D1 primary before the one that creates the run.
  if (keyHash) {
    const replay = await findReplay(s, keyHash, fingerprint, body, now, { kvOnly: true });
    if (replay) return replay;
  }

  let prepared: PreparedRun;
  try {
    prepared = await prepareRun(s, body);
  } catch (err) {
    // Before answering an error, make sure no earlier request holds the key in
    // D1 (KV may not have it yet): its run is the answer, whatever the body's problem now.
    const replay = keyHash && err instanceof DomainError ? await findReplay(s, keyHash, fingerprint, body, now) : null;
    if (replay) return replay;
    throw err;
  }

  const createdAt = now.toISOString();
  const row = newRunRow({
    id: newId("run", now.getTime()),
    tenantId: auth.tenantId,
    livemode: auth.livemode,
    keyId: auth.keyId,
    template: prepared.template,
    partnerTemplate: await partnerTemplateOf(s, prepared.template),
    document: prepared.document,
    parentRunId: null,
    externalId: body.external_id ?? null,
    metadata: body.metadata ?? {},
    webhookUrl: body.webhook_url ?? null,
    createdAt,
  });
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_S * 1000).toISOString();
  const claim = keyHash
    ? { keyHash, tenantId: auth.tenantId, livemode: auth.livemode, fingerprint, runId: row.id, createdAt, expiresAt }
    : undefined;
  const outcome = await insertRunReserving(db, row, row.creditsReserved, claim);
  if (outcome === "claim_taken") {
    // Another request with this key created its run a moment ago.
    const replay = keyHash ? await findReplay(s, keyHash, fingerprint, body, now) : null;
    if (replay) return replay;
    throw new DomainError("idempotency_key_in_use");
  }
  // The tenant's status is checked here, on the primary: the one on the key (auth) comes from a cache.
  if (outcome === "tenant_suspended") throw new DomainError("billing_suspended", "Conta suspensa.");
  if (outcome === "insufficient_credits") {
    throw new DomainError(
      "billing_suspended",
      `Créditos insuficientes: o template ${prepared.template.id} consulta ${row.creditsReserved} fontes.`,
    );
  }

  // The run, its claim and its reservation are committed. A failure from here
  // on (the KV cache, the object's start) still answers 202: the run exists
  // and will execute — a replay of the key re-drives it, and the sweeper
  // (src/runs/sweeper.ts) re-drives or fails it, returning its credits. A 500
  // would invite a retry without the key, i.e. a second run paid twice.
  const record: IdempotencyRecord = { run_id: row.id, fingerprint, expires_at: expiresAt };
  const [cached, started] = await Promise.allSettled([
    keyHash ? env.IDEMPOTENCY.put(`idem:${keyHash}`, JSON.stringify(record), { expirationTtl: IDEMPOTENCY_TTL_S }) : null,
    startRun(env, row, prepared),
  ]);
  if (cached.status === "rejected") console.error(`run ${row.id}: idempotency cache write failed (D1 holds the claim)`, errorText(cached.reason));
  if (started.status === "rejected") console.error(`run ${row.id}: start failed; left queued for a replay or the sweeper`, errorText(started.reason));
  return { replayed: false, body: acceptedBody(row) };
}

/** For logs: the error's text with documents masked (redactForLog: logs never carry a CPF). */
const errorText = (err: unknown) => redactForLog(err instanceof Error ? `${err.name}: ${err.message}` : String(err));

const subjectOf = (prepared: PreparedRun): Subject => ({
  type: prepared.template.subject_type,
  document: prepared.document,
  ...(prepared.name ? { name: prepared.name } : {}),
  ...(prepared.birth_date ? { birth_date: prepared.birth_date } : {}),
  ...(prepared.nationality ? { nationality: prepared.nationality } : {}),
});

async function startRun(env: Env, row: RunRow, prepared: PreparedRun): Promise<void> {
  await env.RUN.get(env.RUN.idFromName(row.id)).start({ ...runInitFor(row, prepared.template, subjectOf(prepared)), monitor: prepared.monitor });
}

/**
 * An earlier request with this key: the same body replays its run (current
 * status, nothing new created); another body is refused. KV answers first (a
 * cache that may lag); D1 holds the authoritative claim, read on the primary
 * (a claim made a moment ago may not have reached a replica). `kvOnly`: KV alone.
 */
async function findReplay(
  s: Services,
  keyHash: string,
  fingerprint: string,
  body: CreateRunBody,
  now: Date,
  opts: { kvOnly?: boolean } = {},
): Promise<CreatedRun | null> {
  const cached = await s.env.IDEMPOTENCY.get<IdempotencyRecord>(`idem:${keyHash}`, "json");
  let record: IdempotencyRecord | null = cached && cached.expires_at > now.toISOString() ? cached : null;
  if (!record && !opts.kvOnly) {
    const row = await findIdempotencyKey(s.primary, keyHash);
    if (row && row.expiresAt > now.toISOString()) record = { run_id: row.runId, fingerprint: row.fingerprint, expires_at: row.expiresAt };
  }
  if (!record) return null;
  if (record.fingerprint !== fingerprint) throw new DomainError("idempotency_key_reused", undefined, "Idempotency-Key");
  const run = await readRun(s, record.run_id);
  if (!run) return null;
  if (run.status === "queued") await redriveQueued(s, run, body);
  return { replayed: true, body: acceptedBody(run) };
}

/**
 * A replayed request brings the body again, and with it the document only the
 * run object keeps: a run still `queued` (its first start may have failed) is
 * started again with its own template version. `start` is idempotent — a
 * no-op for a started run, beyond re-arming a missing alarm. Best effort: the
 * replay answers with the run either way, and the sweeper is the backstop.
 */
async function redriveQueued(s: Services, run: RunRow, body: CreateRunBody): Promise<void> {
  try {
    const template = await replicaThenPrimary(s.db, s.primary, (db) => findTemplateVersion(db, run.templateId, run.templateVersion));
    if (!template) throw new Error(`template ${run.templateId} v${run.templateVersion} not found`);
    const prepared = prepareWith(s, body, template);
    await startRun(s.env, run, prepared);
  } catch (err) {
    console.error(`run ${run.id}: re-drive on replay failed`, err instanceof DomainError ? err.code : errorText(err));
  }
}

/** A run of this tenant and environment from the request's replica, or from the primary if the replica has not got it yet. */
async function readRun(s: Services, id: string): Promise<RunRow | undefined> {
  return replicaThenPrimary(s.db, s.primary, (db) => getRunForTenant(db, s.auth.tenantId, s.auth.livemode, id));
}

/**
 * A run as its tenant reads it. A terminal run comes from the location cache
 * (src/cache/runs.ts: its row never changes, but for the resolution of its
 * case, read again when it has one); any other from the request's replica.
 */
export async function getRun(s: Services, id: string): Promise<RunRow> {
  const cached = await cachedTerminalRun(s.env, s.auth.tenantId, s.auth.livemode, id);
  if (cached) return cached.caseId ? { ...cached, finalDecision: await runFinalDecision(s.db, id) } : cached;
  const row = await readRun(s, id);
  // Same body for an unknown id and another tenant's run: nothing tells them apart.
  if (!row) throw new DomainError("run_not_found", undefined, "id");
  if (isTerminalRow(row)) s.defer(rememberTerminalRun(s.env, row));
  return row;
}

export interface ListQuery {
  limit: number;
  cursor?: string;
  status?: RunStatus;
  template_id?: string;
  external_id?: string;
  decision?: string;
  parent_run_id?: string;
  top_level?: boolean;
  created_gte?: string;
  created_lte?: string;
}

export async function listRunsPage(s: Services, q: ListQuery) {
  const rows = await listRuns(s.db, {
    tenantId: s.auth.tenantId,
    livemode: s.auth.livemode,
    limit: q.limit,
    status: q.status,
    templateId: q.template_id,
    externalId: q.external_id,
    decision: q.decision,
    parentRunId: q.parent_run_id,
    topLevel: q.top_level,
    createdGte: q.created_gte,
    createdLte: q.created_lte,
    after: await positionAfter(s.env.SERVER_SECRET, s.auth, q.cursor),
  });
  return keysetPage(s.env.SERVER_SECRET, s.auth, rows, q.limit, (r) => ({ createdAt: r.createdAt, id: r.id }), runSummary);
}

export async function cancelRun(s: Services, id: string): Promise<RunRow> {
  const row = await getRun(s, id);
  if (isTerminalRow(row)) throw new DomainError("run_already_terminal", undefined, "id");
  // A partner run screens a beneficial owner of its company: stopping it alone
  // would leave the company unscreened. The company's cancel cancels it.
  if (row.parentRunId) {
    throw new DomainError(
      "partner_run_not_cancellable",
      `Esta execução analisa um sócio da execução ${row.parentRunId}; cancele a execução da empresa.`,
      "id",
    );
  }
  const res = await s.env.RUN.get(s.env.RUN.idFromName(row.id)).cancel();
  if (!res.cancelled) throw new DomainError("run_already_terminal", undefined, "id");
  // The object wrote the cancellation to the primary just now: read it back from
  // where its bookmark says it is, which also moves the request's session (and
  // the response's X-Kycert-Bookmark) past it, so the client's next read sees it.
  const reads = res.bookmark ? s.follow(res.bookmark) : s.primary;
  const cancelled = await getRunForTenant(reads, s.auth.tenantId, s.auth.livemode, id);
  if (!cancelled) throw new DomainError("run_not_found", undefined, "id");
  return cancelled;
}

/** Adapter call log of a run (who was called, when, which attempt). */
export const callLog = (s: Services, row: RunRow) => s.env.RUN.get(s.env.RUN.idFromName(row.id)).callLog();
