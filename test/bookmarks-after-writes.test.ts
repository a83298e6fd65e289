// Read-your-writes after writes (X-Kycert-Bookmark): a case change is written
// through the request's D1 session, and a cancel's read-back follows the run
// object's write, so the bookmark each answers with shows the change even on
// a replica that lags. The replica is faked at the session seam
// (test/helpers/lagging-replica.ts): without a bookmark, or with an old one,
// reads see the tables as they were before the write.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { createHeldRun, sandboxTenant } from "./helpers/api";
import { casesTenant, CPF, finishPf, NOTE } from "./helpers/cases";
import { laggingReplica } from "./helpers/lagging-replica";

const app = createApp();
const BOOKMARK = "X-Kycert-Bookmark";

async function send(e: Env, method: string, path: string, key: string, opts: { body?: unknown; bookmark?: string } = {}) {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { "X-API-Key": key };
  if (opts.body) headers["content-type"] = "application/json";
  if (opts.bookmark) headers[BOOKMARK] = opts.bookmark;
  const res = await app.fetch(new Request(`https://api.kycert.test${path}`, { method, headers, body: opts.body ? JSON.stringify(opts.body) : undefined }), e, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: JSON.parse(text), bookmark: res.headers.get(BOOKMARK) };
}

describe("X-Kycert-Bookmark after writes, with a replica that lags", () => {
  it("after a resolve, the answer's bookmark shows the run's final_decision (and the resolved case)", async () => {
    const { key, ana } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const replica = await laggingReplica(env, ["runs", "cases", "case_events"]);

    const resolved = await send(replica.env, "POST", `/api/v1/bureau/cases/${run.case_id}/resolve`, key, {
      body: { outcome: "approved", reason_code: "documents_verified", note: NOTE, actor: ana },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.bookmark).toMatch(/^[0-9a-f]{8}-/);
    expect(resolved.bookmark! > replica.position).toBe(true);

    const read = await send(replica.env, "GET", `/api/v1/bureau/runs/${run.id}`, key, { bookmark: resolved.bookmark! });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ case_id: run.case_id, final_decision: "approved" });
    const c = await send(replica.env, "GET", `/api/v1/bureau/cases/${run.case_id}`, key, { bookmark: resolved.bookmark! });
    expect(c.body).toMatchObject({ status: "resolved", chain: { verified: true } });

    // Without the bookmark the lagging replica answers: the fake does lag.
    const stale = await send(replica.env, "GET", `/api/v1/bureau/runs/${run.id}`, key);
    expect(stale.body.final_decision).toBeNull();
  });

  it("after a cancel, the answer's bookmark shows the run cancelado", async () => {
    const { key } = await sandboxTenant();
    const held = await createHeldRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } });
    const replica = await laggingReplica(env, ["runs"]);

    const cancelled = await send(replica.env, "POST", `/api/v1/bureau/runs/${held.run_id}/cancel`, key);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelado");

    // Without the bookmark the lagging replica answers: the fake does lag. (Asked first: once a
    // read sees the run terminal, the location cache serves it to everyone, bookmark or not.)
    const stale = await send(replica.env, "GET", `/api/v1/bureau/runs/${held.run_id}`, key);
    expect(stale.status).toBe(202);
    expect(stale.body.status).toBe("queued");

    const read = await send(replica.env, "GET", `/api/v1/bureau/runs/${held.run_id}`, key, { bookmark: cancelled.bookmark! });
    expect(read.status).toBe(200);
    expect(read.body.status).toBe("cancelado");
  });
});
