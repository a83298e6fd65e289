// Company alerts from the registry (contract §18, "Monitoring"): a second
// month made by changing rows of the fixture month — one monitored company
// becomes BAIXADA, another changes a partner, a third stays as it was — is
// built, published by the minute check, and compared through the monitoring
// queue: one company_status_changed, one qsa_changed, each with its case;
// nothing for the unchanged one; the comparison handled twice alerts nobody
// twice.
import { env } from "cloudflare:workers";
import { unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { buildMonth, MemoryGrouper } from "../src/registry/build";
import { checkBuilds, startBuild } from "../src/registry/service";
import { handleMonitoringMessage } from "../src/monitoring/queue";
import { call } from "./helpers/api";
import { getCase } from "./helpers/cases";
import { alertsOf, drainMonitoring, enrolOk, monitoringEnv, monitoringTenant, takeSent } from "./helpers/monitoring";
import { buildAndPublish, companyOf, FIXTURE_FILES, memorySource, type FixtureCompany } from "./helpers/registry";

/** Bytes ↔ a string of one char per byte (the files are ISO-8859-1: every byte survives the round trip). */
const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * The fixture month as another month: every member renamed to `token` (the
 * extraction date the name carries), and each data line `edit` returns
 * changed (null: as it was).
 */
function anotherMonth(token: string, edit: (file: string, fields: string[]) => string[] | null): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [name, zip] of Object.entries(FIXTURE_FILES)) {
    const [[member, data]] = Object.entries(unzipSync(zip));
    const lines = latin1(data).split("\n").map((line) => {
      // Every field is quoted: `"a";"b";…` (the companies edited here have no quirks, so no `";"` inside a field).
      const fields = line.length > 0 ? line.slice(1, -1).split('";"') : null;
      const changed = fields && edit(name, fields);
      return changed ? `"${changed.join('";"')}"` : line;
    });
    out[name] = zipSync({ [member.replace(/D\d{5}/, token)]: bytes(lines.join("\n")) });
  }
  return out;
}

/** A company the edits below can change safely: no quirks, one establishment, ATIVA, a numeric CNPJ, not the registry's control row. */
const plain = (c: FixtureCompany) => c.quirks.length === 0 && c.establishments.length === 1 && c.situacao === "02" && /^\d{14}$/.test(c.cnpj) && c.cnpj_basico !== "75462958";

let baixada: FixtureCompany;
let newPartner: FixtureCompany;
let unchanged: FixtureCompany;

beforeAll(async () => {
  const first = await buildAndPublish("2026-08");
  expect(first.outcome.status).toBe("ready");
  baixada = companyOf(plain);
  newPartner = companyOf((c) => plain(c) && c.cnpj_basico !== baixada.cnpj_basico && c.partners.length > 0);
  unchanged = companyOf((c) => plain(c) && ![baixada.cnpj_basico, newPartner.cnpj_basico].includes(c.cnpj_basico));
});

describe("company alerts from a new month of the registry", () => {
  it("a monitored company that became BAIXADA → one company_status_changed; a changed QSA → one qsa_changed; each with its case; an unchanged one → nothing", async () => {
    const { key } = await monitoringTenant();
    const subjects = new Map<string, string>();
    for (const c of [baixada, newPartner, unchanged]) subjects.set(c.cnpj, (await enrolOk(key, { document: c.cnpj, name: c.razao_social })).id);
    await drainMonitoring();

    // September: the first company BAIXADA (situação 08 since 2026-09-15, motivo 01); the second's first partner replaced by another.
    let replaced = false;
    const september = anotherMonth("D60912", (file, f) => {
      if (file.startsWith("Estabelecimentos") && f[0] === baixada.cnpj_basico) return [...f.slice(0, 5), "08", "20260915", "01", ...f.slice(8)];
      if (file.startsWith("Socios") && f[0] === newPartner.cnpj_basico && !replaced) {
        replaced = true;
        return [f[0], f[1], "NOVA SOCIA DE OLIVEIRA", ...f.slice(3)];
      }
      return null;
    });
    expect(replaced).toBe(true);
    const db = createDb(env.DB);
    const { row } = await startBuild(db, "2026-09", "test fixtures", new Date());
    const sink = { put: async (k: string, body: Uint8Array) => void (await env.REGISTRY.put(`${row.prefix}${k}`, body)) };
    await buildMonth({ month: "2026-09", buildId: row.id, source: memorySource(september), grouper: new MemoryGrouper(), sink, blockBytes: 4096, now: () => new Date() });
    // The minute check publishes it, and hands the comparison to the monitoring queue.
    expect(await checkBuilds(monitoringEnv(), new Date())).toEqual([{ id: row.id, outcome: "ready" }]);
    const handled = await drainMonitoring();
    expect(handled.map((m) => m.t)).toEqual(["registry", "registry_batch"]);

    const alerts = await alertsOf(key, "list=receita_federal_cnpj");
    expect(alerts.map((a) => [a.kind, a.subject_id]).sort()).toEqual(
      [
        ["company_status_changed", subjects.get(baixada.cnpj)],
        ["qsa_changed", subjects.get(newPartner.cnpj)],
      ].sort(),
    );
    const status = alerts.find((a) => a.kind === "company_status_changed")!;
    expect(status).toMatchObject({
      object: "monitoring_alert",
      list: "receita_federal_cnpj",
      entity_id: baixada.cnpj,
      score: null,
      strength: null,
      status: "open",
      reasons: ["situação cadastral: ATIVA (02) → BAIXADA (08) desde 2026-09-15 (motivo 01)"],
      list_version: { sha256: row.id },
    });
    const qsa = alerts.find((a) => a.kind === "qsa_changed")!;
    expect(qsa.reasons).toEqual([
      expect.stringMatching(/^sócio incluído: NOVA SOCIA DE OLIVEIRA, /),
      expect.stringMatching(new RegExp(`^sócio excluído: ${newPartner.partners[0].nome}, `)),
    ]);

    // Each opened its review case, like a match: reason monitoring, no run.
    for (const a of [status, qsa]) {
      expect(await getCase(key, a.case_id)).toMatchObject({ reason: "monitoring", run_id: null, alert_id: a.id, subject_id: a.subject_id, status: "open" });
    }

    // The comparison counts as a screening of the CNPJs it covered.
    const seen = (await (await call("GET", `/api/v1/monitoring/subjects/${subjects.get(unchanged.cnpj)}`, { key })).json()) as Record<string, any>;
    expect(seen).toMatchObject({ open_alerts: 0 });
    expect(Date.parse(seen.last_screened_at)).toBeGreaterThanOrEqual(Date.parse(status.created_at));

    // The comparison delivered again (a retried message), and the minute check again: nobody is alerted twice.
    for (const m of handled) await handleMonitoringMessage(monitoringEnv(), m);
    await drainMonitoring();
    expect(await checkBuilds(monitoringEnv(), new Date())).toEqual([]);
    expect(takeSent()).toEqual([]);
    expect(await alertsOf(key, "list=receita_federal_cnpj")).toHaveLength(2);
    expect(await alertsOf(key, "kind=company_status_changed")).toHaveLength(1);
  });
});
