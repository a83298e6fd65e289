// Ongoing monitoring: the request schemas the routes validate
// with and the response components the OpenAPI document shows
// (test/openapi.test.ts checks real responses against them).
import { z } from "zod";
import { ALERT_KINDS, ALERT_SOURCES, ALERT_STATUSES, MAX_EXTERNAL_ID, MAX_SUBJECT_NAME, SUBJECT_STATUSES } from "../../domain/monitoring";
import { LIST_IDS } from "../../screening/types";
import type { ErrorCode } from "../errors";
import { component } from "./responses";
import { pageQueryFields } from "./runs";

const timestamp = z.iso.datetime();
const nullable = <T extends z.ZodType>(s: T) => z.union([s, z.null()]);
const doc = (description: string) => ({ description });

// ---- requests ------------------------------------------------------------------

export const EnrolSubjectSchema = z.strictObject({
  document: z.string().min(1).max(64).meta(doc("CPF (11 digits) or CNPJ (14 characters, alphanumeric accepted); punctuation is ignored. Stored only as a keyed hash (a CPF) and the digits masked lists show.")),
  name: z.string().min(1).max(MAX_SUBJECT_NAME).meta(doc("The name screened (a company's razão social).")),
  birth_date: nullable(z.string().max(10)).optional().meta(doc("`YYYY`, `YYYY-MM` or `YYYY-MM-DD`: corroborates or contradicts a listed birth date.")),
  nationality: nullable(z.string().max(2)).optional().meta(doc("ISO 3166-1 alpha-2 (`BR`).")),
  gender: nullable(z.enum(["M", "F"])).optional().meta(doc("`M` or `F`.")),
  external_id: nullable(z.string().min(1).max(MAX_EXTERNAL_ID)).optional().meta(doc("Your own id for the customer; filterable.")),
  lists: z.array(z.enum(LIST_IDS)).min(1).max(LIST_IDS.length).optional().meta(doc("The lists to monitor against (default: all).")),
});

export function enrolErrorCode(path: string, issue: z.core.$ZodIssue): ErrorCode {
  if (issue.code === "unrecognized_keys") return "unknown_parameter";
  if (path === "document") return issue.code === "invalid_type" ? "missing_document" : "invalid_document";
  if (path === "external_id") return "invalid_external_id";
  return "invalid_request";
}

export const ListSubjectsQuerySchema = z.strictObject({
  ...pageQueryFields,
  status: z.enum(SUBJECT_STATUSES).optional().meta(doc("`active` or `stopped`.")),
  external_id: z.string().min(1).max(MAX_EXTERNAL_ID).optional().meta(doc("Only subjects with this `external_id`.")),
});

export const ListAlertsQuerySchema = z.strictObject({
  ...pageQueryFields,
  subject_id: z.string().min(1).max(64).optional().meta(doc("Only this subject's alerts.")),
  status: z.enum(ALERT_STATUSES).optional().meta(doc("`open` or `closed`.")),
  kind: z.enum(ALERT_KINDS).optional().meta(doc(`One of ${ALERT_KINDS.join(", ")}.`)),
  list: z.enum(ALERT_SOURCES).optional().meta(doc("Only alerts on this list (`receita_federal_cnpj`: the company alerts).")),
});

export const ListImportsQuerySchema = z.strictObject({ ...pageQueryFields });

// ---- responses -----------------------------------------------------------------

export const MonitoredSubject = component(
  "MonitoredSubject",
  z.object({
    id: z.string().meta(doc("mon_…")),
    object: z.literal("monitored_subject"),
    document: z.string().meta(doc("Masked as in runs: a CPF `***.456.789-**`, a CNPJ in full (a public registry id).")),
    name: nullable(z.string()).meta(doc("null once the personal data of a stopped subject was erased.")),
    birth_date: nullable(z.string()),
    nationality: nullable(z.string()),
    gender: nullable(z.enum(["M", "F"])),
    external_id: nullable(z.string()),
    lists: z.array(z.enum(LIST_IDS)).meta(doc("The lists it is monitored against.")),
    status: z.enum(SUBJECT_STATUSES).meta(doc("`stopped` subjects are kept for the record and never alerted again.")),
    created_at: timestamp,
    last_screened_at: nullable(timestamp).meta(doc("Its first screening, or the newest re-screen of a list version it is monitored on; null until the first screening.")),
    open_alerts: z.number().int(),
    stopped_at: nullable(timestamp),
    erased_at: nullable(timestamp).meta(doc("When its personal data was erased (the tenant's retention after it stopped).")),
    livemode: z.boolean(),
  }),
  "A monitored customer: screened against every new version of every list it is monitored on.",
);

export const MonitoredSubjectList = component(
  "MonitoredSubjectList",
  z.object({ object: z.literal("list"), data: z.array(MonitoredSubject), has_more: z.boolean(), next_cursor: z.string().optional(), livemode: z.boolean() }),
  "A page of monitored subjects, newest first.",
);

export const MonitoringAlert = component(
  "MonitoringAlert",
  z.object({
    id: z.string().meta(doc("alr_…")),
    object: z.literal("monitoring_alert"),
    subject_id: z.string(),
    kind: z.enum(ALERT_KINDS).meta(
      doc("match_created (a new match), match_updated (the listed record changed and still matches), entity_delisted (the entity left the list: its open alerts close), pep_grace_ended (a PEP's five years after office ran out); for a monitored CNPJ, from the company registry's new month: company_status_changed (its establishment's situação cadastral changed, or it left the data) and qsa_changed (partners came or went)."),
    ),
    list: z.enum(ALERT_SOURCES).meta(doc("The list that named the subject; `receita_federal_cnpj` for company_status_changed and qsa_changed.")),
    entity_id: z.string(),
    entity_name: z.string().meta(doc("The listed entity's primary name.")),
    matched_name: z.string().meta(doc("The listed name (primary or alias) that matched.")),
    score: nullable(z.number()),
    strength: nullable(z.enum(["strong", "possible"])).meta(doc("As in screening; null on the kinds that are no match (entity_delisted, pep_grace_ended and the company alerts).")),
    reasons: z
      .array(z.string())
      .meta(doc("A match's evidence codes, as screening gives them; a company alert's changes in words (pt-BR), e.g. `situação cadastral: ATIVA (02) → BAIXADA (08) desde 2026-09-15`.")),
    list_version: z
      .object({ sha256: z.string(), fetched_at: timestamp })
      .meta(doc("The list version the alert was found in; for a company alert, the registry build (`bld_…`) and when its month began to serve.")),
    status: z.enum(ALERT_STATUSES),
    case_id: nullable(z.string()).meta(doc("The review case a match or a company change opened (reason `monitoring`, four eyes apply).")),
    created_at: timestamp,
    closed_at: nullable(timestamp),
    livemode: z.boolean(),
  }),
  "A monitoring alert: one per (subject, listed entity, record content). Also the `data.object` of the `monitoring.alert` webhook.",
);

export const MonitoringAlertList = component(
  "MonitoringAlertList",
  z.object({ object: z.literal("list"), data: z.array(MonitoringAlert), has_more: z.boolean(), next_cursor: z.string().optional(), livemode: z.boolean() }),
  "A page of monitoring alerts, newest first.",
);

export const MonitoringImport = component(
  "MonitoringImport",
  z.object({
    id: z.string().meta(doc("imp_…")),
    object: z.literal("monitoring_import"),
    status: z.enum(["processing", "completed", "failed"]).meta(doc("`completed` once every row is read and every new subject had its first screening.")),
    rows_total: z.number().int().meta(doc("Data rows in the file.")),
    rows_enrolled: z.number().int().meta(doc("Subjects this import created.")),
    rows_updated: z.number().int().meta(doc("Rows whose document was already monitored: updated, never enrolled twice.")),
    rows_rejected: z.number().int().meta(doc("Rows refused, each with its line and reason in GET …/errors.")),
    alerts_opened: z.number().int().meta(doc("Alerts the first screenings of its subjects opened.")),
    error: nullable(z.string()).meta(doc("Why a `failed` import stopped.")),
    created_at: timestamp,
    completed_at: nullable(timestamp),
    livemode: z.boolean(),
  }),
  "A bulk enrolment.",
);

export const MonitoringImportList = component(
  "MonitoringImportList",
  z.object({ object: z.literal("list"), data: z.array(MonitoringImport), has_more: z.boolean(), next_cursor: z.string().optional(), livemode: z.boolean() }),
  "A page of imports, newest first.",
);
