// A typed client of the API, generated from its OpenAPI document:
//   npx openapi-typescript http://127.0.0.1:8787/api/v1/openapi.json -o dist/openapi/api.d.ts
//   (or `npm run openapi`, from the document built without a server)
// Paths, parameters, bodies and responses are all checked by the compiler.
// `npm run e2e` generates the types from a running `wrangler dev`, compiles
// this file against them and runs it (scripts/e2e-client.mjs):
//   KYCERT_API_URL=http://127.0.0.1:8787 KYCERT_API_KEY=sk_test_… \
//   KYCERT_WEBHOOK_URL=http://127.0.0.1:9000/kycert npx tsx examples/client.ts
import createClient from "openapi-fetch";
import type { paths } from "../dist/openapi/api";

export type KycertClient = ReturnType<typeof kycertClient>;

export function kycertClient(apiKey: string, baseUrl = "https://api.kycert.example") {
  return createClient<paths>({ baseUrl, headers: { "X-API-Key": apiKey } });
}

/** An API error, with the envelope's stable `code` to branch on. */
export class KycertError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/** The body of a success, or the API's error as a KycertError. */
function unwrap<T>(res: { data?: T; error?: { error: { code: string; message: string } }; response: Response }): T {
  if (res.error) throw new KycertError(res.response.status, res.error.error.code, res.error.error.message);
  return res.data as T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers an endpoint for the run events of the key's environment. Keep the returned secret: it is shown only now. */
export async function registerWebhookEndpoint(client: KycertClient, url: string) {
  const endpoint = unwrap(await client.POST("/api/v1/webhook-endpoints", { body: { url, events: ["run.completed", "run.failed"] } }));
  return { id: endpoint.id, secret: endpoint.secret };
}

/**
 * Screens a person and waits for the result. The Idempotency-Key is your own
 * order id, never the CPF (the header travels through logs): a retry of the
 * same order returns the same run and charges nothing twice.
 */
export async function screenPerson(client: KycertClient, cpf: string, orderId: string) {
  const created = unwrap(
    await client.POST("/api/v1/bureau/runs", {
      params: { header: { "Idempotency-Key": `pedido-${orderId}` } },
      body: { template_id: "tpl_pf_padrao", parametros: { cpf }, external_id: orderId, metadata: { origem: "exemplo" } },
    }),
  );
  for (;;) {
    const res = await client.GET("/api/v1/bureau/runs/{id}", { params: { path: { id: created.run_id } } });
    const run = unwrap(res);
    // 200: the terminal run (decision, risk band, sources); 202: still running, ask again after retry_after_seconds.
    if (res.response.status === 200 && "decision" in run) return run;
    await sleep(("retry_after_seconds" in run ? run.retry_after_seconds : 1) * 1000);
  }
}

/** The newest runs you created (partner runs left out), `limit` of them. */
export async function recentRuns(client: KycertClient, limit: number) {
  return unwrap(await client.GET("/api/v1/bureau/runs", { params: { query: { limit, top_level: true } } }));
}

const sha256Hex = async (bytes: ArrayBuffer) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Generates the run's report (once; scope reports:write) and downloads it: the
 * signed URL as JSON (`format=json`), then the PDF from it, checked against
 * the sha256 the API recorded.
 */
export async function downloadReport(client: KycertClient, runId: string, mode: "resumido" | "completo" = "resumido") {
  const report = unwrap(await client.POST("/api/v1/bureau/runs/{id}/report", { params: { path: { id: runId }, query: { mode } } }));
  const signed = unwrap(await client.GET("/api/v1/bureau/runs/{id}/report", { params: { path: { id: runId }, query: { mode, format: "json" } } }));
  // The signed URL is a route of the API itself (the signature is the credential): the same client fetches it.
  const url = new URL(signed.url);
  const q = Object.fromEntries(url.searchParams) as { tenant: string; mode: string; exp: string; sig: string; v?: string };
  const pdf = await client.GET("/downloads/reports/{runId}", { params: { path: { runId }, query: q }, parseAs: "arrayBuffer" });
  const bytes = unwrap(pdf) as ArrayBuffer;
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== report.sha256) throw new Error(`report ${runId}: sha256 ${sha256}, the API recorded ${report.sha256}`);
  return { pages: report.pages, bytes, sha256, expiresAt: signed.expires_at };
}

/** The run's webhook event, found in the events list (a webhook your endpoint missed is there too). */
export async function eventOfRun(client: KycertClient, runId: string) {
  const page = unwrap(await client.GET("/api/v1/bureau/events", { params: { query: { type: "run.completed", limit: 20 } } }));
  return page.data.find((e) => e.run_id === runId) ?? null;
}

/** The walk-through `npm run e2e` runs: register an endpoint, screen, list, download, find the event. */
export async function walkThrough(baseUrl: string, apiKey: string, webhookUrl: string | null) {
  const client = kycertClient(apiKey, baseUrl);
  const endpoint = webhookUrl ? await registerWebhookEndpoint(client, webhookUrl) : null;
  const orderId = crypto.randomUUID();
  const run = await screenPerson(client, "000.000.004-53", orderId);
  const runs = await recentRuns(client, 5);
  const report = await downloadReport(client, run.id);
  // Delivery is asynchronous: wait (a few seconds at most) until the endpoint took the event.
  let event = await eventOfRun(client, run.id);
  for (let i = 0; endpoint && i < 40 && event?.delivery_status !== "delivered"; i++) {
    await sleep(250);
    event = await eventOfRun(client, run.id);
  }
  return {
    webhook_endpoint: endpoint?.id ?? null,
    run: { id: run.id, external_id: run.external_id, status: run.status, decision: run.decision, risk_band: run.risk_band, case_id: run.case_id },
    listed: runs.data.map((r) => r.id),
    report: { pages: report.pages, bytes: report.bytes.byteLength, sha256: report.sha256 },
    event: event ? { id: event.id, event: event.event, delivery_status: event.delivery_status } : null,
  };
}

// Run directly (`npx tsx examples/client.ts`): the walk-through against KYCERT_API_URL, its summary as one JSON line.
declare const process: { argv: string[]; env: Record<string, string | undefined>; exitCode?: number };
if (typeof process !== "undefined" && process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const { KYCERT_API_URL, KYCERT_API_KEY, KYCERT_WEBHOOK_URL } = process.env;
  if (!KYCERT_API_URL || !KYCERT_API_KEY) throw new Error("set KYCERT_API_URL and KYCERT_API_KEY");
  walkThrough(KYCERT_API_URL, KYCERT_API_KEY, KYCERT_WEBHOOK_URL ?? null).then(
    (summary) => console.log(JSON.stringify(summary)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
