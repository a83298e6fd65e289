// Reports over HTTP (contract §9): generate once into R2, signed one-hour
// download URLs served by this Worker, identical bytes on every download.
import { env } from "cloudflare:workers";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { call, createAndFinish, createKey, createRun, sandboxTenant } from "./helpers/api";

const sha256 = async (bytes: ArrayBuffer) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

const reportPath = (runId: string, mode?: string) => `/api/v1/bureau/runs/${runId}/report${mode === undefined ? "" : `?mode=${mode}`}`;

async function finishedRun(cpf = "000.000.004-53") {
  const { tenant, key } = await sandboxTenant();
  const run = await createAndFinish(key, { template_id: "tpl_pf_padrao", parametros: { cpf } });
  return { tenant, key, run };
}

const follow = (location: string) => call("GET", new URL(location).pathname + new URL(location).search);

describe("reports", () => {
  it("POST renders and stores once: 201 the first time, 200 with the same object afterwards", async () => {
    const { key, run } = await finishedRun();
    const first = await call("POST", reportPath(run.id, "resumido"), { key });
    expect(first.status).toBe(201);
    const report = await first.json<any>();
    expect(report).toMatchObject({ object: "bureau_report", run_id: run.id, mode: "resumido" });
    expect(report.pages).toBeGreaterThanOrEqual(1);
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    const second = await call("POST", reportPath(run.id, "resumido"), { key });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(report);
  });

  it("racing POSTs store exactly one report", async () => {
    const { key, run } = await finishedRun();
    const responses = await Promise.all(Array.from({ length: 5 }, () => call("POST", reportPath(run.id, "completo"), { key })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    const bodies = await Promise.all(responses.map((r) => r.json<any>()));
    expect(new Set(bodies.map((b) => b.sha256)).size).toBe(1);
    const listed = await env.REPORTS.list({ prefix: `reports/` });
    expect(listed.objects.filter((o) => o.key.includes(run.id))).toHaveLength(1);
  });

  it("GET redirects to a signed URL that serves the identical PDF every time", async () => {
    const { key, run } = await finishedRun();
    const report = await (await call("POST", reportPath(run.id, "completo"), { key })).json<any>();
    const redirect = await call("GET", reportPath(run.id, "completo"), { key });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get("Location")!;
    expect(location).toMatch(new RegExp(`/downloads/reports/${run.id}\\?`));
    const exp = Number(new URL(location).searchParams.get("exp"));
    expect(exp - Date.now() / 1000).toBeGreaterThan(3590);
    expect(exp - Date.now() / 1000).toBeLessThanOrEqual(3600);

    for (let i = 0; i < 2; i++) {
      const dl = await follow(location);
      expect(dl.status).toBe(200);
      expect(dl.headers.get("content-type")).toBe("application/pdf");
      expect(dl.headers.get("content-disposition")).toBe(`attachment; filename="kycert-${run.id}-completo.pdf"`);
      const bytes = await dl.arrayBuffer();
      expect(bytes.byteLength).toBe(report.bytes);
      expect(await sha256(bytes)).toBe(report.sha256);
      const pdf = await PDFDocument.load(bytes);
      expect(pdf.getPageCount()).toBe(report.pages);
    }
  });

  it("an expired link → 410 url_expired; any edit → 403 invalid_signature", async () => {
    const { tenant, key, run } = await finishedRun();
    await call("POST", reportPath(run.id, "resumido"), { key });
    const other = await finishedRun("529.982.247-25");
    await call("POST", reportPath(other.run.id, "resumido"), { key: other.key });
    const location = new URL((await call("GET", reportPath(run.id, "resumido"), { key })).headers.get("Location")!);

    const edit = (f: (u: URL) => void) => {
      const u = new URL(location);
      f(u);
      return follow(u.toString());
    };
    const cases: [string, (u: URL) => void][] = [
      ["signature", (u) => u.searchParams.set("sig", "0".repeat(64))],
      ["expiry", (u) => u.searchParams.set("exp", String(Number(u.searchParams.get("exp")) + 3600))],
      ["mode", (u) => u.searchParams.set("mode", "completo")],
      ["tenant", (u) => u.searchParams.set("tenant", other.tenant.id)],
      ["run", (u) => (u.pathname = `/downloads/reports/${other.run.id}`)],
      ["missing signature", (u) => u.searchParams.delete("sig")],
    ];
    for (const [name, f] of cases) {
      const res = await edit(f);
      expect(res.status, name).toBe(403);
      expect((await res.json<any>()).error).toMatchObject({ type: "permission_error", code: "invalid_signature" });
    }
    expect(tenant.id).not.toBe(other.tenant.id);

    // A correctly signed link whose hour has passed.
    const { keyedHash } = await import("../src/lib/crypto");
    const exp = Math.floor(Date.now() / 1000) - 1;
    const sig = await keyedHash(env.SERVER_SECRET, "report-download", `${tenant.id}|${run.id}|resumido|${exp}`);
    const expired = await edit((u) => {
      u.searchParams.set("exp", String(exp));
      u.searchParams.set("sig", sig);
    });
    expect(expired.status).toBe(410);
    expect((await expired.json<any>()).error.code).toBe("url_expired");
  });

  it("errors: invalid_mode, run_not_terminal, report_not_generated, run_not_found, scopes", async () => {
    const { key, run } = await finishedRun();
    for (const mode of [undefined, "", "full"]) {
      for (const method of ["GET", "POST"]) {
        const res = await call(method, reportPath(run.id, mode), { key });
        expect(res.status, `${method} mode=${mode}`).toBe(400);
        expect((await res.json<any>()).error.code).toBe("invalid_mode");
      }
    }
    const notGenerated = await call("GET", reportPath(run.id, "completo"), { key });
    expect(notGenerated.status).toBe(404);
    expect((await notGenerated.json<any>()).error.code).toBe("report_not_generated");

    const queued = await (await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } })).json<any>();
    for (const method of ["GET", "POST"]) {
      const res = await call(method, reportPath(queued.run_id, "resumido"), { key });
      expect(res.status).toBe(400);
      expect((await res.json<any>()).error.code).toBe("run_not_terminal");
    }

    const stranger = await sandboxTenant();
    for (const method of ["GET", "POST"]) {
      const res = await call(method, reportPath(run.id, "resumido"), { key: stranger.key });
      expect(res.status).toBe(404);
      expect((await res.json<any>()).error.code).toBe("run_not_found");
    }

    const { tenant } = await finishedRun();
    const readOnly = await createKey(tenant.id, "test", ["runs:read"]);
    const denied = await call("POST", reportPath(run.id, "resumido"), { key: readOnly });
    expect(denied.status).toBe(403);
    expect((await denied.json<any>()).error.message).toContain("reports:write");
  });
});
