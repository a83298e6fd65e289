// Review cases (contract §15). Pure: the state machine with its four-eyes
// rules, the event-chain input, and the false-positive memory step a run
// applies before it decides. Time, ids and hashes come from the caller.
import { nameKey } from "./names";
import { canonicalJson } from "../lib/crypto";
import { SOURCE_CATALOG } from "../sources/catalog";
import { DomainError } from "./errors";
import type { BureauRunAnalysis, Finding, OperativeDecision, Decision, SourceKey, SourceResult } from "./types";

export const CASE_STATUSES = ["open", "in_review", "pending_approval", "resolved"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** review | hold: a run's (contract §15); monitoring: a monitoring alert's (contract §17). */
export type CaseReason = "review" | "hold" | "monitoring";
export const CASE_OUTCOMES = ["approved", "rejected"] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/**
 * Why an analyst resolved a case, as a code a report can print and a query can
 * count. `note` carries the particulars (≥ 10 characters).
 */
export const REASON_CODES = [
  /** The match(es) that drove the review are not the subject (homonym, other document). */
  "false_positive",
  /** The subject's identity was confirmed with another source or document. */
  "identity_confirmed",
  /** The customer sent documents that settle the finding. */
  "documents_verified",
  /** The finding is real and the business accepts the risk (e.g. a PEP under enhanced due diligence). */
  "risk_accepted",
  /** A sanctions/warrant match is the subject. */
  "sanctions_match_confirmed",
  /** Not enough information to accept the subject. */
  "insufficient_information",
  /** Anything else, explained in the note. */
  "other",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** pt-BR labels (reports, console). */
export const REASON_CODE_LABELS: Readonly<Record<ReasonCode, string>> = {
  false_positive: "Falso positivo",
  identity_confirmed: "Identidade confirmada",
  documents_verified: "Documentos verificados",
  risk_accepted: "Risco aceito",
  sanctions_match_confirmed: "Correspondência em sanções confirmada",
  insufficient_information: "Informações insuficientes",
  other: "Outro motivo",
};

export const NOTE_MIN_LENGTH = 10;
export const NOTE_MAX_LENGTH = 2000;

/** Default SLA of a review case when the tenant sets none (tenants.case_sla_hours). */
export const DEFAULT_CASE_SLA_HOURS = 48;

/** The actor of events the system writes (the case opening). */
export const SYSTEM_ACTOR = "system";

export type CaseEventType = "opened" | "assigned" | "proposed" | "returned" | "resolved";

export interface MatchResolution {
  source: string;
  list?: string | null;
  entity_id: string;
  resolution: "false_positive" | "true_match";
}

/** A pending proposal as stored (the public view shows outcome, reason_code, note, by, at). */
export interface StoredProposal {
  outcome: CaseOutcome;
  reason_code: ReasonCode;
  note: string;
  by: string;
  at: string;
  match_resolutions: MatchResolution[];
  /** Evidence fingerprint when proposed: the approval is refused if it differs then. */
  evidence: string;
  evidence_sha256: string;
}

export interface CaseResolution {
  outcome: CaseOutcome;
  reason_code: ReasonCode;
  note: string;
  resolved_by: string;
  approved_by: string | null;
  resolved_at: string;
  /** sha256 of the run's stored result (D1 runs.result) when the case was resolved. */
  evidence_sha256: string;
}

/** What a state change needs to know about a case (a D1 row, parsed). */
export interface CaseState {
  id: string;
  status: CaseStatus;
  reason: CaseReason;
  assignee: string | null;
  proposal: StoredProposal | null;
  resolution: CaseResolution | null;
}

/** What a state change writes: the case's new fields and one event. */
export interface CaseTransition {
  status: CaseStatus;
  assignee: string | null;
  proposal: StoredProposal | null;
  resolution: CaseResolution | null;
  event: { type: CaseEventType; actor: string; data: Record<string, unknown> };
}

/** `case_` + the run id's 26 characters: one case per run, the same id on every retry. */
export const caseIdForRun = (runId: string): string => `case_${runId.replace(/^run_/, "")}`;

/** Event ids: `cev_` + the case's 26 characters + `_` + the sequence number (unique; the opening event's is stable across retries). */
export const caseEventId = (caseId: string, seq: number): string => `cev_${caseId.replace(/^case_/, "")}_${seq}`;

/** Whether a terminal run opens a case, and why: `hold` wins (its data is missing), then `review`. */
export function caseReasonFor(decision: Decision | null, operative: OperativeDecision | null): CaseReason | null {
  if (operative === "hold") return "hold";
  if (decision === "review") return "review";
  return null;
}

/** ISO timestamp `hours` after `openedAt` (milliseconds kept). */
export const dueAtFor = (openedAt: string, hours: number): string => new Date(Date.parse(openedAt) + hours * 3_600_000).toISOString();

export const isOverdue = (c: { status: CaseStatus; due_at: string }, nowIso: string): boolean => c.status !== "resolved" && c.due_at < nowIso;

/** Emails compare case-insensitively (the same person may type them differently). */
export const sameActor = (a: string | null | undefined, b: string | null | undefined): boolean =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Sources whose INVALID answer is a sanctions or arrest-warrant finding: approving such a run takes four eyes. */
export const FOUR_EYES_SOURCES: ReadonlySet<SourceKey> = new Set<SourceKey>([
  "ofac_sdn",
  "un_sanctions",
  "eu_sanctions",
  "uk_sanctions",
  "cnj_mandados_prisao",
]);

export const hasSanctionsOrWarrantFinding = (sources: readonly { source: SourceKey; status: string }[]): boolean =>
  sources.some((s) => s.status === "INVALID" && FOUR_EYES_SOURCES.has(s.source));

/**
 * Four eyes (contract §15): any rejection, and an approval of a `hold` case or
 * of a run with a sanctions / warrant finding, wait for a second person.
 */
export const needsApproval = (outcome: CaseOutcome, reason: CaseReason, sanctionsOrWarrant: boolean): boolean =>
  outcome === "rejected" || reason === "hold" || sanctionsOrWarrant;

const alreadyResolved = (id: string) => new DomainError("case_already_resolved", `O caso ${id} já foi resolvido.`);

function checkNote(note: string, param = "note"): string {
  const trimmed = note.trim();
  if (trimmed.length < NOTE_MIN_LENGTH) {
    throw new DomainError("invalid_request", `A justificativa deve ter ao menos ${NOTE_MIN_LENGTH} caracteres.`, param);
  }
  if (trimmed.length > NOTE_MAX_LENGTH) {
    throw new DomainError("invalid_request", `A justificativa deve ter no máximo ${NOTE_MAX_LENGTH} caracteres.`, param);
  }
  return trimmed;
}

function checkActor(actor: string, param = "actor"): string {
  const a = actor.trim();
  // The HTTP schema checks the format; the console passes the session's email. This is the floor for both.
  if (!/^[^\s@]+@[^\s@]+$/.test(a) || a.length > 254) throw new DomainError("invalid_request", "Informe o e-mail de quem age no caso.", param);
  return a.toLowerCase();
}

/** assign: open / in_review → in_review; a pending proposal keeps waiting (only its assignee changes). */
export function planAssign(c: CaseState, input: { assignee: string; actor: string }): CaseTransition {
  if (c.status === "resolved") throw alreadyResolved(c.id);
  const assignee = checkActor(input.assignee, "assignee");
  const actor = checkActor(input.actor);
  return {
    status: c.status === "pending_approval" ? "pending_approval" : "in_review",
    assignee,
    proposal: c.proposal,
    resolution: null,
    event: { type: "assigned", actor, data: { assignee, previous_assignee: c.assignee } },
  };
}

export interface ResolveInput {
  outcome: CaseOutcome;
  reason_code: ReasonCode;
  note: string;
  actor: string;
  match_resolutions?: MatchResolution[];
}

export interface ResolveFacts {
  /** The run has an INVALID sanctions or warrant source. */
  sanctionsOrWarrant: boolean;
  /** Evidence fingerprint now (stored result + current record hashes of the matched entities). */
  evidence: string;
  /** sha256 of the run's stored result now. */
  evidenceSha256: string;
  now: string;
}

/**
 * resolve: resolves at once, or files a proposal for a second person
 * (`needsApproval`). A case already waiting for approval is not re-proposed:
 * the approver approves or returns it first.
 */
export function planResolve(c: CaseState, input: ResolveInput, facts: ResolveFacts): CaseTransition {
  if (c.status === "resolved") throw alreadyResolved(c.id);
  if (c.status === "pending_approval") {
    throw new DomainError("case_pending_approval", `O caso ${c.id} já tem uma proposta aguardando aprovação: aprove-a ou devolva-a.`);
  }
  if (!(CASE_OUTCOMES as readonly string[]).includes(input.outcome)) {
    throw new DomainError("invalid_request", "outcome deve ser 'approved' ou 'rejected'.", "outcome");
  }
  if (!(REASON_CODES as readonly string[]).includes(input.reason_code)) {
    throw new DomainError("invalid_request", `reason_code desconhecido: use ${REASON_CODES.join(", ")}.`, "reason_code");
  }
  const note = checkNote(input.note);
  const actor = checkActor(input.actor);
  const match_resolutions = input.match_resolutions ?? [];
  const base = { outcome: input.outcome, reason_code: input.reason_code, note };
  if (needsApproval(input.outcome, c.reason, facts.sanctionsOrWarrant)) {
    const proposal: StoredProposal = {
      ...base,
      by: actor,
      at: facts.now,
      match_resolutions,
      evidence: facts.evidence,
      evidence_sha256: facts.evidenceSha256,
    };
    return {
      status: "pending_approval",
      assignee: c.assignee ?? actor,
      proposal,
      resolution: null,
      event: {
        type: "proposed",
        actor,
        data: { ...base, match_resolutions, evidence: facts.evidence, evidence_sha256: facts.evidenceSha256 },
      },
    };
  }
  const resolution: CaseResolution = {
    ...base,
    resolved_by: actor,
    approved_by: null,
    resolved_at: facts.now,
    evidence_sha256: facts.evidenceSha256,
  };
  return {
    status: "resolved",
    assignee: c.assignee ?? actor,
    proposal: null,
    resolution,
    event: { type: "resolved", actor, data: { ...resolution, match_resolutions, evidence: facts.evidence } },
  };
}

/** approve: a different person confirms the pending proposal, on unchanged evidence. */
export function planApprove(c: CaseState, input: { actor: string }, facts: Omit<ResolveFacts, "sanctionsOrWarrant">): CaseTransition {
  if (c.status === "resolved") throw alreadyResolved(c.id);
  const actor = checkActor(input.actor);
  const p = c.proposal;
  if (c.status !== "pending_approval" || !p) {
    throw new DomainError("case_not_pending", `O caso ${c.id} não tem proposta aguardando aprovação.`);
  }
  if (sameActor(actor, p.by)) {
    throw new DomainError("four_eyes_required", "Quem propôs a resolução não pode aprová-la: outra pessoa deve aprovar (quatro olhos).");
  }
  if (facts.evidence !== p.evidence) {
    throw new DomainError(
      "evidence_changed",
      "A evidência mudou desde a proposta (um registro de lista citado foi atualizado): devolva o caso para nova análise.",
    );
  }
  const resolution: CaseResolution = {
    outcome: p.outcome,
    reason_code: p.reason_code,
    note: p.note,
    resolved_by: p.by,
    approved_by: actor,
    resolved_at: facts.now,
    evidence_sha256: facts.evidenceSha256,
  };
  return {
    status: "resolved",
    assignee: c.assignee,
    proposal: null,
    resolution,
    event: { type: "resolved", actor, data: { ...resolution, match_resolutions: p.match_resolutions, evidence: facts.evidence } },
  };
}

/** return: the approver sends a pending proposal back to analysis (with a note saying why). */
export function planReturn(c: CaseState, input: { actor: string; note: string }): CaseTransition {
  if (c.status === "resolved") throw alreadyResolved(c.id);
  const actor = checkActor(input.actor);
  const note = checkNote(input.note);
  if (c.status !== "pending_approval" || !c.proposal) {
    throw new DomainError("case_not_pending", `O caso ${c.id} não tem proposta aguardando aprovação.`);
  }
  const { outcome, reason_code, by } = c.proposal;
  return {
    status: "in_review",
    assignee: c.assignee,
    proposal: null,
    resolution: null,
    event: { type: "returned", actor, data: { note, returned_proposal: { outcome, reason_code, by } } },
  };
}

// ---- hash chain ------------------------------------------------------------

export const GENESIS_HASH = "0".repeat(64);

/**
 * How an event's hash was computed, stored per event (case_events.hash_version):
 * 1 = plain sha256 (events written before the chain was keyed), 2 = HMAC-SHA256
 * with the chain's purpose key. New events are always 2; a 1 after a 2 is a
 * downgrade and never verifies; 1s verify only under an anchor (verifyCaseRecord).
 */
export type ChainHashVersion = 1 | 2;
export const CURRENT_HASH_VERSION: ChainHashVersion = 2;

/** Through which door an event came: the API (a key), the console (a signed-in user), or the system itself. */
export type CaseChannel = "api" | "console" | "system";

/** Who stands behind an event besides its `actor`: the channel and the API key or console user. */
export interface EventOrigin {
  via: CaseChannel;
  key_id: string | null;
  user_id: string | null;
}

export const SYSTEM_ORIGIN: EventOrigin = { via: "system", key_id: null, user_id: null };

export interface ChainedEvent {
  id: string;
  type: string;
  actor: string;
  /** null on events written before origins were recorded (hash version 1). */
  via: CaseChannel | null;
  key_id: string | null;
  user_id: string | null;
  at: string;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** An event as stored, with the version of its hash. */
export type StoredChainEvent = ChainedEvent & { hash_version: ChainHashVersion };

/** Version 1's input: prev_hash followed by the canonical JSON of {id, type, actor, at, data, prev_hash} (pinned by test/canonical-json.test.ts). */
export function eventHashInput(e: Omit<ChainedEvent, "hash" | "via" | "key_id" | "user_id">): string {
  const { id, type, actor, at, data, prev_hash } = e;
  return prev_hash + canonicalJson({ id, type, actor, at, data, prev_hash });
}

/** Version 2's input: the origin fields and the version itself are inside what the key signs. */
export function keyedEventHashInput(e: Omit<ChainedEvent, "hash">): string {
  const { id, type, actor, via, key_id, user_id, at, data, prev_hash } = e;
  return prev_hash + canonicalJson({ v: 2, id, type, actor, via, key_id, user_id, at, data, prev_hash });
}

export const hashInputFor = (e: Omit<ChainedEvent, "hash">, version: ChainHashVersion): string =>
  version === 1 ? eventHashInput(e) : keyedEventHashInput(e);

/**
 * Checks the links and hashes of a chain given the hashes recomputed by the
 * caller (`recomputed[i]` = the hash of events[i] under its own version): each
 * event links to the previous hash and carries its own. `brokenAt` is the index
 * of the first bad event.
 */
export function checkChain(events: readonly Pick<ChainedEvent, "prev_hash" | "hash">[], recomputed: readonly string[]): { ok: boolean; brokenAt?: number } {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.prev_hash !== prev || e.hash !== recomputed[i]) return { ok: false, brokenAt: i };
    prev = e.hash;
  }
  return { ok: true };
}

/** The state a case's row must hold, replayed from its events alone. */
export interface ReplayedCase {
  status: CaseStatus;
  assignee: string | null;
  proposal: StoredProposal | null;
  resolution: CaseResolution | null;
}

/**
 * Replays the events as the planners above wrote them: what the row's status,
 * assignee, proposal and resolution must be. null: the sequence is not one the
 * state machine can produce (no opening first, an approval without a proposal…).
 */
export function replayCase(events: readonly Pick<ChainedEvent, "type" | "actor" | "at" | "data">[]): ReplayedCase | null {
  if (events[0]?.type !== "opened") return null;
  let s: ReplayedCase = { status: "open", assignee: null, proposal: null, resolution: null };
  for (const e of events.slice(1)) {
    const d = e.data;
    if (s.status === "resolved") return null;
    switch (e.type) {
      case "assigned":
        s = { ...s, status: s.status === "pending_approval" ? "pending_approval" : "in_review", assignee: (d.assignee as string) ?? null };
        break;
      case "proposed":
        s = {
          status: "pending_approval",
          assignee: s.assignee ?? e.actor,
          resolution: null,
          proposal: {
            outcome: d.outcome as CaseOutcome,
            reason_code: d.reason_code as ReasonCode,
            note: d.note as string,
            by: e.actor,
            at: e.at,
            match_resolutions: (d.match_resolutions as MatchResolution[]) ?? [],
            evidence: d.evidence as string,
            evidence_sha256: d.evidence_sha256 as string,
          },
        };
        break;
      case "returned":
        if (s.status !== "pending_approval") return null;
        s = { ...s, status: "in_review", proposal: null };
        break;
      case "resolved": {
        const resolution: CaseResolution = {
          outcome: d.outcome as CaseOutcome,
          reason_code: d.reason_code as ReasonCode,
          note: d.note as string,
          resolved_by: d.resolved_by as string,
          approved_by: (d.approved_by as string | null) ?? null,
          resolved_at: d.resolved_at as string,
          evidence_sha256: d.evidence_sha256 as string,
        };
        // An approval closes a proposal and keeps the assignee; a direct resolution assigns its author when nobody was.
        s = { status: "resolved", assignee: resolution.approved_by ? s.assignee : (s.assignee ?? e.actor), proposal: null, resolution };
        break;
      }
      default:
        return null;
    }
  }
  return s;
}

/** What a case's record is checked against. */
export interface CaseRecordFacts {
  events: readonly StoredChainEvent[];
  /** `recomputed[i]`: events[i]'s hash recomputed under its own version (sha256 or the chain key). */
  recomputed: readonly string[];
  /** What the case row says. */
  row: ReplayedCase & { chain_head: string; chain_length: number };
  /** The latest anchor covering the case, as its write-once object says (null: none yet). */
  anchor: { length: number; head: string } | null;
  /** The run's `final_decision` (undefined: not checked, e.g. no run row read). */
  finalDecision?: string | null;
}

export type ChainProblem =
  | "event_hash_mismatch"
  | "hash_version_downgrade"
  | "length_mismatch"
  | "head_mismatch"
  | "state_mismatch"
  | "final_decision_mismatch"
  | "anchor_mismatch"
  | "unanchored_legacy_events"
  /** The anchor could not be read (R2 unavailable): no verdict, so not verified. */
  | "anchor_unavailable";

export interface CaseRecordVerdict {
  verified: boolean;
  problem: ChainProblem | null;
  /** Index of the first bad event (event problems only). */
  broken_at: number | null;
}

const verdict = (problem: ChainProblem | null, broken_at: number | null = null): CaseRecordVerdict => ({ verified: problem === null, problem, broken_at });

/**
 * Whether a case's record holds (contract §15, "A record that resists
 * rewriting"): every event's hash recomputes and links to the previous one;
 * no sha256 event follows a keyed one; the row's length and head are the
 * chain's; the row's status, assignee, proposal and resolution are what the
 * events replay to; the run's final decision is the resolution's; and the
 * latest anchor's head is still the chain's event at the anchored length
 * (so trailing events cannot be dropped, even with the row rewritten to match).
 * Version 1 events (plain sha256, recomputable by anyone) count only once an
 * anchor covers all of them.
 */
export function verifyCaseRecord(f: CaseRecordFacts): CaseRecordVerdict {
  const { events, row } = f;
  const links = checkChain(events, f.recomputed);
  if (!links.ok) return verdict("event_hash_mismatch", links.brokenAt ?? null);
  const firstKeyed = events.findIndex((e) => e.hash_version !== 1);
  if (firstKeyed >= 0) {
    const downgraded = events.findIndex((e, i) => i > firstKeyed && e.hash_version === 1);
    if (downgraded >= 0) return verdict("hash_version_downgrade", downgraded);
  }
  if (row.chain_length !== events.length) return verdict("length_mismatch");
  if (row.chain_head !== (events.at(-1)?.hash ?? GENESIS_HASH)) return verdict("head_mismatch");
  const replayed = replayCase(events);
  const rowState: ReplayedCase = { status: row.status, assignee: row.assignee, proposal: row.proposal, resolution: row.resolution };
  if (!replayed || canonicalJson(replayed) !== canonicalJson(rowState)) return verdict("state_mismatch");
  if (f.finalDecision !== undefined && (f.finalDecision ?? null) !== (replayed.resolution?.outcome ?? null)) return verdict("final_decision_mismatch");
  if (f.anchor) {
    const anchored = events[f.anchor.length - 1];
    if (f.anchor.length > events.length || !anchored || anchored.hash !== f.anchor.head) return verdict("anchor_mismatch");
  }
  const legacy = firstKeyed < 0 ? events.length : firstKeyed;
  if (legacy > 0 && (!f.anchor || f.anchor.length < legacy)) return verdict("unanchored_legacy_events");
  return verdict(null);
}

// ---- matches and the false-positive memory -----------------------------------

/** A listed record a source matched the subject against. */
export interface MatchCandidate {
  source: SourceKey;
  /** The list as the match names it (list id from the screening engine, `lista` from the sandbox / providers); '' if none. */
  list: string;
  /** The entity id when the source gives one; else `nome:<normalised name>`, else `registro:<n>`. */
  entity_id: string;
  name: string | null;
  score: number | null;
  /** Index in the source's `data.matches` (null: the whole `data` is the record, e.g. pep_coaf). */
  index: number | null;
  /** The listed record's hash when the source provides it (screening engine); otherwise the caller hashes `record`. */
  given_record_hash: string | null;
  /** Canonical JSON of the match record, what the caller hashes when no hash is given. */
  record: string;
}

/** A candidate with its record hash settled. */
export type HashedMatch = Omit<MatchCandidate, "given_record_hash" | "record"> & { record_hash: string };

/** Sources whose INVALID answer is one listed record in `data` itself (no `matches` array). */
const WHOLE_RECORD_SOURCES: ReadonlySet<SourceKey> = new Set<SourceKey>(["pep_coaf"]);

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const strOf = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/**
 * A match's `entity_id` is the list's own id when the source gave one; else one
 * minted here (`nome:<name key>`, `registro:<n>`) that no list holds.
 */
export const isListedEntityId = (entityId: string): boolean => !/^(nome|registro):/.test(entityId);

function candidate(source: SourceKey, data: Record<string, unknown>, m: Record<string, unknown>, index: number | null, n: number): MatchCandidate {
  const name = strOf(m.nome) ?? strOf(m.name) ?? strOf(m.matched_name) ?? strOf(m.Nome_PEP);
  const list = strOf(m.list_id) ?? strOf(m.lista) ?? strOf(m.list) ?? strOf(data.lista) ?? "";
  const id = strOf(m.entity_id);
  const entity_id = id ?? (name ? `nome:${nameKey(name)}` : `registro:${n}`);
  const score = typeof m.score === "number" && Number.isFinite(m.score) ? m.score : null;
  return {
    source,
    list,
    entity_id,
    name,
    score,
    index,
    given_record_hash: strOf(m.record_hash),
    record: canonicalJson(m),
  };
}

/**
 * The listed records behind a run's INVALID screening answers: each element of
 * `data.matches`, or the whole `data` of a source that answers one record
 * (pep_coaf). Other INVALID sources (warrants, registries) carry no match to
 * clear.
 */
export function extractMatches(results: readonly SourceResult[]): MatchCandidate[] {
  const out: MatchCandidate[] = [];
  for (const r of results) {
    if (r.status !== "INVALID" || !isObj(r.data)) continue;
    const data = r.data;
    if (Array.isArray(data.matches)) {
      data.matches.forEach((m, i) => {
        if (isObj(m)) out.push(candidate(r.source, data, m, i, i + 1));
      });
    } else if (WHOLE_RECORD_SOURCES.has(r.source)) {
      out.push(candidate(r.source, data, data, null, 1));
    }
  }
  return out;
}

/** One remembered false positive (a false_positives row). */
export interface FalsePositiveMemory {
  source: string;
  list: string;
  entity_key: string;
  record_hash: string;
  case_id: string;
}

export interface ClearedMatch {
  source: SourceKey;
  list: string;
  entity_id: string;
  name: string | null;
  record_hash: string;
  case_id: string;
}

export const memoryKey = (m: { source: string; list: string; entity_id: string }) => `${m.source}\u0000${m.list}\u0000${m.entity_id}`;

/**
 * Applies the memory to a run's results before the decision: a match remembered
 * as a false positive for this subject, whose listed record is unchanged (same
 * record hash), is cleared. A source whose every match is cleared answers VALID
 * (its INVALID checks become VALID); otherwise it stays INVALID with the cleared
 * matches moved out of `data.matches`. Either way `data.falsos_positivos_descartados`
 * lists what was cleared and on which case it relies.
 */
export function applyFalsePositiveMemory(
  results: readonly SourceResult[],
  matches: readonly HashedMatch[],
  memory: readonly FalsePositiveMemory[],
): { results: SourceResult[]; cleared: ClearedMatch[] } {
  const remembered = new Map(memory.map((m) => [memoryKey({ source: m.source, list: m.list, entity_id: m.entity_key }), m] as const));
  const cleared: ClearedMatch[] = [];
  const out = results.map((r) => {
    const mine = matches.filter((m) => m.source === r.source);
    if (r.status !== "INVALID" || mine.length === 0) return r;
    const gone = mine.filter((m) => remembered.get(memoryKey(m))?.record_hash === m.record_hash);
    if (gone.length === 0) return r;
    const here: ClearedMatch[] = gone.map((m) => ({
      source: r.source,
      list: m.list,
      entity_id: m.entity_id,
      name: m.name,
      record_hash: m.record_hash,
      case_id: remembered.get(memoryKey(m))!.case_id,
    }));
    cleared.push(...here);
    const data = { ...(r.data ?? {}) } as Record<string, unknown>;
    data.falsos_positivos_descartados = here.map(({ list, entity_id, name, record_hash, case_id }) => ({ list, entity_id, name, record_hash, case_id }));
    const goneIdx = new Set(gone.map((m) => m.index));
    if (Array.isArray(data.matches)) data.matches = (data.matches as unknown[]).filter((_, i) => !goneIdx.has(i));
    if (gone.length < mine.length) return { ...r, data };
    const checks = Object.fromEntries(Object.keys(r.checks).map((k) => [k, "VALID" as const]));
    return { ...r, status: "VALID" as const, checks, data };
  });
  return { results: out, cleared };
}

/** One `info` finding per cleared match: it says the match was dropped and names the case it relies on. */
export function clearedMatchFindings(cleared: readonly ClearedMatch[]): Finding[] {
  return cleared.map((c, i) => {
    const who = c.name ? `"${c.name}"` : `"${c.entity_id}"`;
    const list = c.list ? ` da lista ${c.list}` : "";
    return {
      id: `fnd_${c.source}_falso_positivo_${i + 1}`,
      source: c.source,
      check: SOURCE_CATALOG[c.source].checks[0],
      severity: "info",
      weight: 0,
      title: "Correspondência descartada como falso positivo",
      description:
        `O registro ${who}${list} (fonte "${SOURCE_CATALOG[c.source].label}") foi resolvido como falso positivo para este titular ` +
        `no caso ${c.case_id} e não mudou desde então; a correspondência foi descartada e não afeta a decisão.`,
      evidence: { case_id: c.case_id, list: c.list, entity_id: c.entity_id, record_hash: c.record_hash },
    };
  });
}

/** The analysis with the cleared-match findings appended (info findings go last) and counted in their dimension. */
export function withClearedMatchFindings(analysis: BureauRunAnalysis, cleared: readonly ClearedMatch[]): BureauRunAnalysis {
  if (cleared.length === 0) return analysis;
  const extra = clearedMatchFindings(cleared);
  const dims = analysis.dimensions.map((d) => ({
    ...d,
    findings_count: d.findings_count + cleared.filter((c) => SOURCE_CATALOG[c.source].dimension === d.dimension).length,
  }));
  return { ...analysis, dimensions: dims, findings: [...analysis.findings, ...extra] };
}

/**
 * The evidence fingerprint a proposal is approved against: the run's stored
 * result hash plus the current record hash of every listed entity the case's
 * matches point to (sorted), so a list update between proposal and approval changes it.
 */
export function evidenceInput(resultSha256: string, entities: readonly { source: string; list: string; entity_id: string; record_hash: string }[]): string {
  const sorted = [...entities].sort((a, b) => (memoryKey(a) < memoryKey(b) ? -1 : memoryKey(a) > memoryKey(b) ? 1 : 0));
  return canonicalJson({ result_sha256: resultSha256, entities: sorted });
}
