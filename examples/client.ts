// A typed client of the API, generated from its OpenAPI document:
//   npm run openapi   (writes dist/openapi/openapi.json, lints it, generates
//                      dist/openapi/api.d.ts with openapi-typescript and
//                      type-checks this file against it)
// It creates a run and reads it until it is terminal. Paths, parameters,
// bodies and responses are all checked by the compiler.
import createClient from "openapi-fetch";
import type { paths } from "../dist/openapi/api";

export function kycertClient(apiKey: string, baseUrl = "https://api.kycert.example") {
  return createClient<paths>({ baseUrl, headers: { "X-API-Key": apiKey } });
}

export async function screenPerson(apiKey: string, cpf: string) {
  const client = kycertClient(apiKey);
  const created = await client.POST("/api/v1/bureau/runs", {
    params: { header: { "Idempotency-Key": `pedido-${cpf}` } },
    body: { template_id: "tpl_pf_padrao", parametros: { cpf }, metadata: { origem: "exemplo" } },
  });
  if (created.error) throw new Error(`${created.error.error.code}: ${created.error.error.message}`);
  const runId: string = created.data.run_id;

  for (;;) {
    const res = await client.GET("/api/v1/bureau/runs/{id}", { params: { path: { id: runId } } });
    if (res.error) throw new Error(`${res.error.error.code}: ${res.error.error.message}`);
    if (res.response.status === 200 && "decision" in res.data) {
      // The terminal run: decision, risk band, the sources that answered.
      return { id: res.data.id, decision: res.data.decision, risk: res.data.risk_band, sources: res.data.sources.length };
    }
    // 202: still running; the body says when to ask again.
    const wait = "retry_after_seconds" in res.data ? res.data.retry_after_seconds : 1;
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}
