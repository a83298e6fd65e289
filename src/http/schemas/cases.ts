// Review cases (contract §15): the request schemas the routes validate with and
// the response components the OpenAPI document shows (test/openapi.test.ts
// checks real responses against them).
import { z } from "zod";
import { CASE_OUTCOMES, CASE_STATUSES, NOTE_MAX_LENGTH, NOTE_MIN_LENGTH, REASON_CODES } from "../../domain/cases";
import { component } from "./responses";
import { booleanQuery, pageQueryFields } from "./runs";

const timestamp = z.iso.datetime();
const email = z.string().trim().max(254).pipe(z.email("e-mail inválido"));
const note = z
  .string()
  .refine((s) => s.trim().length >= NOTE_MIN_LENGTH, `a justificativa deve ter ao menos ${NOTE_MIN_LENGTH} caracteres`)
  .refine((s) => s.trim().length <= NOTE_MAX_LENGTH, `a justificativa deve ter no máximo ${NOTE_MAX_LENGTH} caracteres`);

// ---- requests ------------------------------------------------------------------

export const ListCasesQuerySchema = z.strictObject({
  ...pageQueryFields,
  status: z.enum(CASE_STATUSES).optional().meta({ description: "open, in_review, pending_approval or resolved." }),
  assignee: email.optional().meta({ description: "Only cases assigned to this e-mail." }),
  overdue: booleanQuery("`true`: only cases past `due_at` that are not resolved."),
});

const actor = email.meta({
  description:
    "E-mail of the person acting: a user of the tenant (else 403 actor_not_allowed). Stored lower-cased in the event log; the four-eyes rule compares it.",
});

export const AssignCaseSchema = z.strictObject({ assignee: email.meta({ description: "E-mail of the analyst who takes the case." }), actor });

const MatchResolutionSchema = z.strictObject({
  source: z.string().min(1).max(64),
  list: z.string().max(200).nullable().optional(),
  entity_id: z.string().min(1).max(500),
  resolution: z.enum(["false_positive", "true_match"]),
});

export const ResolveCaseSchema = z.strictObject({
  outcome: z.enum(CASE_OUTCOMES).meta({ description: "`approved` or `rejected`." }),
  reason_code: z.enum(REASON_CODES).meta({
    description: "false_positive, identity_confirmed, documents_verified, risk_accepted, sanctions_match_confirmed, insufficient_information or other.",
  }),
  note: note.meta({ description: "The justification, at least 10 characters." }),
  actor,
  match_resolutions: z
    .array(MatchResolutionSchema)
    .max(100)
    .optional()
    .meta({ description: "Optional: per match of the case, `{ source, list?, entity_id, resolution: false_positive | true_match }`." }),
});

export const ApproveCaseSchema = z.strictObject({ actor });

export const ReturnCaseSchema = z.strictObject({ actor, note: note.meta({ description: "Why it is returned, at least 10 characters." }) });

// ---- responses -----------------------------------------------------------------

const CaseEvent = z.object({
  id: z.string().meta({ description: "cev_…" }),
  type: z.enum(["opened", "assigned", "proposed", "returned", "resolved"]),
  actor: z.string().meta({ description: "The e-mail given as `actor`, lower-cased; `system` for the opening." }),
  via: z
    .union([z.enum(["api", "console", "system"]), z.null()])
    .meta({ description: "The channel: `api` (an API key), `console` (a signed-in user) or `system`; null on events recorded before channels were." }),
  key_id: z.union([z.string(), z.null()]).meta({ description: "The API key behind an `api` event." }),
  user_id: z.union([z.string(), z.null()]).meta({ description: "The console user behind a `console` event." }),
  at: timestamp,
  data: z.record(z.string(), z.unknown()),
  prev_hash: z.string().meta({ description: "The previous event's `hash` (64 zeros for the first event)." }),
  hash: z.string().meta({
    description:
      "HMAC-SHA256 hex, keyed with a server key, over `prev_hash` followed by the canonical JSON (keys sorted) of {v: 2, id, type, actor, via, key_id, user_id, at, data, prev_hash}; events recorded before the chain was keyed carry sha256 of `prev_hash` + {id, type, actor, at, data, prev_hash}. `chain.verified` says whether the whole record holds.",
  }),
});

const CaseChain = z
  .object({
    length: z.number().int().meta({ description: "The number of events the case row records." }),
    head: z.string().meta({ description: "The last event's hash as the case row records it." }),
    verified: z.boolean().meta({
      description:
        "true when every event's hash recomputes and links to the previous one, the row's length, head, status, assignee, proposal and resolution are what the events say, the run's final_decision is the resolution's, and the latest audit anchor's head is still in the chain.",
    }),
    problem: z
      .union([
        z.enum([
          "event_hash_mismatch",
          "hash_version_downgrade",
          "length_mismatch",
          "head_mismatch",
          "state_mismatch",
          "final_decision_mismatch",
          "anchor_mismatch",
          "unanchored_legacy_events",
          "anchor_unavailable",
        ]),
        z.null(),
      ])
      .meta({ description: "Why it is not verified; null when it is." }),
    anchor: z
      .union([z.object({ id: z.string(), created_at: timestamp, length: z.number().int() }), z.null()])
      .meta({ description: "The latest write-once audit anchor holding this chain (null: not anchored yet; anchors are written daily and on POST /admin/v1/audit/anchor)." }),
  })
  .meta({ description: "GET /cases/{id} only: the record's check (the row, its events, the run's final decision and the latest anchor must agree)." });

const Resolution = z.object({
  outcome: z.enum(CASE_OUTCOMES),
  reason_code: z.enum(REASON_CODES),
  note: z.string(),
  resolved_by: z.string(),
  approved_by: z.string().nullable().meta({ description: "The second person of a four-eyes resolution; null when it needed none." }),
  resolved_at: timestamp,
  evidence_sha256: z.string().meta({ description: "sha256 of the run's stored result at resolution time." }),
});

export const CaseObject = component(
  "Case",
  z.object({
    id: z.string().meta({ description: "case_…" }),
    object: z.literal("case"),
    run_id: z.union([z.string(), z.null()]).meta({ description: "The run the case reviews; null for a monitoring case." }),
    alert_id: z.union([z.string(), z.null()]).meta({ description: "A monitoring case's alert (`alr_…`); null for a run's case." }),
    subject_id: z.union([z.string(), z.null()]).meta({ description: "A monitoring case's monitored subject (`mon_…`); null for a run's case." }),
    status: z.enum(CASE_STATUSES),
    reason: z.enum(["review", "hold", "monitoring"]).meta({
      description: "Why it opened: the run's decision `review`, or `operative_decision: hold` (hold wins); `monitoring`: a monitoring alert (match_created or match_updated).",
    }),
    opened_at: timestamp,
    due_at: timestamp.meta({ description: "opened_at + the tenant's case SLA (default 48 h)." }),
    assignee: z.string().nullable(),
    proposal: z
      .object({ outcome: z.enum(CASE_OUTCOMES), reason_code: z.enum(REASON_CODES), note: z.string(), by: z.string(), at: timestamp })
      .nullable()
      .meta({ description: "A resolution waiting for a second person (status pending_approval)." }),
    resolution: Resolution.nullable(),
    events: z.array(CaseEvent).meta({ description: "Append-only, hash-chained log, oldest first." }),
    livemode: z.boolean(),
    matches: z
      .array(
        z.object({
          source: z.string(),
          list: z.string(),
          entity_id: z.string().meta({ description: "The listed entity's id, or `nome:<normalised name>` / `registro:<n>` when the source gives none; what match_resolutions[].entity_id names." }),
          name: z.string().nullable(),
          score: z.number().nullable(),
          record_hash: z.string(),
        }),
      )
      .optional()
      .meta({ description: "GET /cases/{id} only: the listed records the run matched (screening sources, PEP)." }),
    chain: CaseChain.optional(),
  }),
  "A review case: opened for a run that ends `review` or on `hold`; its hash-chained event log.",
);

export const CaseList = component(
  "CaseList",
  z.object({
    object: z.literal("list"),
    data: z.array(CaseObject),
    has_more: z.boolean(),
    next_cursor: z.string().optional(),
    livemode: z.boolean(),
  }),
  "A page of cases, newest first.",
);
