// /api/v1/monitoring (contract §17) — validate, call one service function, respond.
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { getAlert, listAlerts } from "../../monitoring/alerts";
import { createImport, getImport, importErrors, listImports } from "../../monitoring/imports";
import { enrolSubject, getSubject, listSubjects, stopSubject } from "../../monitoring/subjects";
import { servicesFor } from "../../runs/service";
import { sessionOptions } from "../middleware/d1-session";
import { defineRoute, jsonRequest, ok, route, router, type RouteSpec } from "../openapi/route";
import {
  EnrolSubjectSchema,
  enrolErrorCode,
  ListAlertsQuerySchema,
  ListImportsQuerySchema,
  ListSubjectsQuerySchema,
  MonitoredSubject,
  MonitoredSubjectList,
  MonitoringAlert,
  MonitoringAlertList,
  MonitoringImport,
  MonitoringImportList,
} from "../schemas/monitoring";
import { listQueryErrorCode } from "../schemas/runs";

const services = (c: Context<AppEnv>) => servicesFor(c.env, c.get("auth"), sessionOptions(c));
const common = { tag: "Monitoring", auth: "api_key" } as const satisfies Partial<RouteSpec>;
const IdParams = (what: string) => z.object({ id: z.string().max(64).meta({ description: what }) });

const enrol = defineRoute(
  route({
    ...common,
    method: "post",
    path: "/subjects",
    operationId: "enrolMonitoredSubject",
    summary: "Monitor a customer",
    description:
      "Enrols a customer: it is screened at once against the serving version of every list (asynchronously: its alerts appear within seconds), then against every new version. The same document again (same tenant and environment) updates the subject — and reactivates a stopped one — and answers 200. A CPF is kept only as a keyed hash and the six digits masked lists show.",
    scope: "monitoring:write",
    request: {
      body: jsonRequest(EnrolSubjectSchema, { document: "529.982.247-25", name: "Maria da Silva Souza", birth_date: "1980-05-17", nationality: "BR", external_id: "cliente-42" }),
    },
    responses: { 201: ok("Enrolled.", MonitoredSubject), 200: ok("The document was already monitored: the subject, updated.", MonitoredSubject) },
    errors: ["missing_document", "invalid_document", "invalid_external_id", "unknown_parameter", "invalid_request"],
  }),
  async (c) => {
    const r = await enrolSubject(services(c), c.req.valid("json"));
    return r.created ? c.json(r.subject, 201) : c.json(r.subject, 200);
  },
  enrolErrorCode,
);

const listSubjectsRoute = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/subjects",
    operationId: "listMonitoredSubjects",
    summary: "List monitored subjects",
    description: "Newest first (`created_at` desc, then id desc); pass `next_cursor` as `cursor` for the next page.",
    scope: "monitoring:read",
    request: { query: ListSubjectsQuerySchema },
    responses: { 200: ok("A page of subjects.", MonitoredSubjectList) },
    errors: ["invalid_limit", "invalid_cursor", "invalid_status", "invalid_external_id", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await listSubjects(services(c), c.req.valid("query")), 200),
  listQueryErrorCode,
);

const getSubjectRoute = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/subjects/{id}",
    operationId: "getMonitoredSubject",
    summary: "Retrieve a monitored subject",
    description: "Another tenant's subject is indistinguishable from an unknown one.",
    scope: "monitoring:read",
    request: { params: IdParams("The subject id (`mon_…`).") },
    responses: { 200: ok("The subject.", MonitoredSubject) },
    errors: ["monitored_subject_not_found"],
  }),
  async (c) => c.json(await getSubject(services(c), c.req.valid("param").id), 200),
);

const stop = defineRoute(
  route({
    ...common,
    method: "delete",
    path: "/subjects/{id}",
    operationId: "stopMonitoredSubject",
    summary: "Stop monitoring a subject",
    description:
      "The subject is `stopped`: kept for the record and never alerted again (its open alerts and cases stay). Its personal data is erased after the tenant's retention (`monitoring_retention_days`, default 30). Stopping it again changes nothing; enrolling its document again reactivates it.",
    scope: "monitoring:write",
    request: { params: IdParams("The subject id (`mon_…`).") },
    responses: { 200: ok("The stopped subject.", MonitoredSubject) },
    errors: ["monitored_subject_not_found"],
  }),
  async (c) => c.json(await stopSubject(services(c), c.req.valid("param").id), 200),
);

const CSV_EXAMPLE = "document,name,birth_date,nationality,gender,external_id\n529.982.247-25,Maria da Silva Souza,1980-05-17,BR,F,cliente-42\n";

const importRoute = defineRoute(
  route({
    ...common,
    method: "post",
    path: "/imports",
    operationId: "createMonitoringImport",
    summary: "Enrol a customer base from a CSV",
    description:
      "The body is the CSV itself (`Content-Type: text/csv`; UTF-8 or ISO-8859-1; `,` or `;`): a header row naming `document` and `name`, optionally `birth_date`, `nationality`, `gender`, `external_id`; at most 1,000,000 rows and 100 MiB (over → 413 `import_too_large`). A body that is no such CSV → 400 `invalid_import`. The file is stored, then enrolled in checkpointed steps: poll GET …/imports/{id}. A bad row never stops an import (GET …/errors lists each with its line and reason); importing the same file again enrols nobody twice. Every subject enrolled is screened at once.",
    scope: "monitoring:write",
    request: { body: { required: true, content: { "text/csv": { schema: z.string().meta({ description: "The CSV file." }), example: CSV_EXAMPLE } } } },
    responses: { 202: ok("Accepted: the import is processing (or completed, for a file with a header and no rows).", MonitoringImport) },
    errors: ["invalid_import", "import_too_large"],
  }),
  async (c) => c.json(await createImport(services(c), c.req.header("content-type"), c.req.header("content-length"), c.req.raw.body), 202),
);

const listImportsRoute = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/imports",
    operationId: "listMonitoringImports",
    summary: "List imports",
    description: "Newest first; pass `next_cursor` as `cursor` for the next page.",
    scope: "monitoring:read",
    request: { query: ListImportsQuerySchema },
    responses: { 200: ok("A page of imports.", MonitoringImportList) },
    errors: ["invalid_limit", "invalid_cursor", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await listImports(services(c), c.req.valid("query")), 200),
  listQueryErrorCode,
);

const getImportRoute = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/imports/{id}",
    operationId: "getMonitoringImport",
    summary: "Retrieve an import",
    description: "Its counts as the steps advance; `completed` once every row is read and every new subject had its first screening.",
    scope: "monitoring:read",
    request: { params: IdParams("The import id (`imp_…`).") },
    responses: { 200: ok("The import.", MonitoringImport) },
    errors: ["monitoring_import_not_found"],
  }),
  async (c) => c.json(await getImport(services(c), c.req.valid("param").id), 200),
);

const importErrorsRoute = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/imports/{id}/errors",
    operationId: "getMonitoringImportErrors",
    summary: "The rows an import rejected",
    description: "`text/csv` with a header row `line,external_id,document,reason`: one row per rejected line, in file order, the document masked.",
    scope: "monitoring:read",
    request: { params: IdParams("The import id (`imp_…`).") },
    responses: {
      200: {
        description: "The rejected rows.",
        content: { "text/csv": { schema: z.string(), example: "line,external_id,document,reason\n7,cliente-7,***.982.247-**,document: CPF com dígitos verificadores inválidos.\n" } },
      },
    },
    errors: ["monitoring_import_not_found"],
  }),
  async (c) => {
    const body = await importErrors(services(c), c.req.valid("param").id);
    return c.body(body, 200, { "Content-Type": "text/csv; charset=utf-8" }) as never;
  },
);

const listAlertsRoute = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/alerts",
    operationId: "listMonitoringAlerts",
    summary: "List monitoring alerts",
    description: "Newest first; filter by `subject_id`, `status`, `kind`, `list`. Pass `next_cursor` as `cursor` for the next page.",
    scope: "monitoring:read",
    request: { query: ListAlertsQuerySchema },
    responses: { 200: ok("A page of alerts.", MonitoringAlertList) },
    errors: ["invalid_limit", "invalid_cursor", "invalid_status", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await listAlerts(services(c), c.req.valid("query")), 200),
  listQueryErrorCode,
);

const getAlertRoute = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/alerts/{id}",
    operationId: "getMonitoringAlert",
    summary: "Retrieve a monitoring alert",
    description: "Another tenant's alert is indistinguishable from an unknown one.",
    scope: "monitoring:read",
    request: { params: IdParams("The alert id (`alr_…`).") },
    responses: { 200: ok("The alert.", MonitoringAlert) },
    errors: ["monitoring_alert_not_found"],
  }),
  async (c) => c.json(await getAlert(services(c), c.req.valid("param").id), 200),
);

export const monitoringRoutes = router([
  enrol,
  listSubjectsRoute,
  getSubjectRoute,
  stop,
  importRoute,
  listImportsRoute,
  getImportRoute,
  importErrorsRoute,
  listAlertsRoute,
  getAlertRoute,
]);
