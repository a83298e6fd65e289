// Reports of a run whose review case is resolved: the report made before the
// resolution is not served as the run's report any more; a new one (with the
// resolution in its sign-off block) is generated once and stored beside it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { reportCaseResolution } from "../src/reports/service";
import { call, expectError } from "./helpers/api";
import { caseActionOk, casesTenant, CPF, finishPf, NOTE } from "./helpers/cases";

const reportPath = (runId: string, mode: string) => `/api/v1/bureau/runs/${runId}/report?mode=${mode}`;
const follow = (location: string) => call("GET", new URL(location).pathname + new URL(location).search);
const sha256 = async (bytes: ArrayBuffer) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

describe("reports of a resolved case", () => {
  it("a report from before the resolution is not served once the case is resolved; the resolved report is generated once and downloads", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const before = await call("POST", reportPath(run.id, "resumido"), { key });
    expect(before.status).toBe(201);
    const original = await before.json<any>();
    const oldLocation = (await call("GET", reportPath(run.id, "resumido"), { key })).headers.get("Location")!;
    expect(new URL(oldLocation).searchParams.has("v")).toBe(false);

    await caseActionOk(key, run.case_id, "resolve", { outcome: "approved", reason_code: "documents_verified", note: NOTE, actor: ANA });

    // The stale report is no longer the run's report.
    await expectError(await call("GET", reportPath(run.id, "resumido"), { key }), { status: 404, code: "report_not_generated", param: "mode" });
    const made = await call("POST", reportPath(run.id, "resumido"), { key });
    expect(made.status).toBe(201);
    const resolved = await made.json<any>();
    expect(resolved.sha256).not.toBe(original.sha256);
    const again = await call("POST", reportPath(run.id, "resumido"), { key });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(resolved);

    const redirect = await call("GET", reportPath(run.id, "resumido"), { key });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get("Location")!;
    expect(new URL(location).searchParams.get("v")).toBe("resolved");
    const dl = await follow(location);
    expect(dl.status).toBe(200);
    expect(await sha256(await dl.arrayBuffer())).toBe(resolved.sha256);

    // Both objects stay in R2 (write-once); a URL signed for the original still serves exactly that one.
    const listed = await env.REPORTS.list({ prefix: `reports/${tenant.id}/${run.id}/` });
    expect(listed.objects.map((o) => o.key).sort()).toEqual([
      `reports/${tenant.id}/${run.id}/resumido.pdf`,
      `reports/${tenant.id}/${run.id}/resumido.resolved.pdf`,
    ]);
    const old = await follow(oldLocation);
    expect(await sha256(await old.arrayBuffer())).toBe(original.sha256);

    // The variant is signed: it cannot be added to, dropped from or changed in a URL.
    const tampered = [
      (u: URL) => u.searchParams.delete("v"),
      (u: URL) => u.searchParams.set("v", "other"),
    ];
    for (const edit of tampered) {
      const u = new URL(location);
      edit(u);
      await expectError(await follow(u.toString()), { status: 403, code: "invalid_signature" });
    }
    const withV = new URL(oldLocation);
    withV.searchParams.set("v", "resolved");
    await expectError(await follow(withV.toString()), { status: 403, code: "invalid_signature" });
  });

  it("a pending proposal does not change the report; only the resolution does", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await caseActionOk(key, run.case_id, "resolve", { outcome: "rejected", reason_code: "other", note: NOTE, actor: ANA });
    expect((await call("POST", reportPath(run.id, "completo"), { key })).status).toBe(201);
    const location = (await call("GET", reportPath(run.id, "completo"), { key })).headers.get("Location")!;
    expect(new URL(location).searchParams.has("v")).toBe(false);
  });

  it("the resolved report's sign-off block is fed the case's resolution: who, when, reason (with its label), approver", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const db = createDb(env.DB);
    expect(await reportCaseResolution(db, run.id)).toBeUndefined();
    await caseActionOk(key, run.case_id, "resolve", { outcome: "rejected", reason_code: "insufficient_information", note: NOTE, actor: ANA });
    expect(await reportCaseResolution(db, run.id)).toBeUndefined();
    const done = await caseActionOk(key, run.case_id, "approve", { actor: BRUNO });
    expect(await reportCaseResolution(db, run.id)).toEqual({
      case_id: run.case_id,
      outcome: "rejected",
      reason_code: "insufficient_information",
      reason_label: "Informações insuficientes",
      note: NOTE,
      resolved_by: ANA,
      approved_by: BRUNO,
      resolved_at: done.resolution.resolved_at,
    });
  });
});
