// The console's "Monitoramento" page (contract §17): subjects, open alerts
// linked to their cases, imports with their rejected rows; and a monitoring
// case's page, which shows the customer and the alert instead of a run.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createKey } from "./helpers/api";
import { consoleFetch, consoleTenant, devLogin, page } from "./helpers/console";
import { drainMonitoring, enrolOk, freshCpf, MONITORING_SCOPES, publishVersion } from "./helpers/monitoring";
import { listed } from "./helpers/screening-seed";

describe("Monitoramento", () => {
  it("shows the customers, the open alerts with their cases, the imports and their rejected rows; another tenant's stay out", async () => {
    const t = await consoleTenant();
    const key = await createKey(t.tenant.id, "test", MONITORING_SCOPES);
    const other = await consoleTenant();
    const otherKey = await createKey(other.tenant.id, "test", MONITORING_SCOPES);
    await publishVersion("un_sc", [listed({ list: "un_sc", entity_id: "UN-CON-1", name: "Jamil Hussein Darwish", birth_dates: ["1964"] })], null);
    await drainMonitoring();
    const listedOne = await enrolOk(key, { document: freshCpf(), name: "Jamil Hussein Darwish", birth_date: "1964-05-05" });
    const clean = await enrolOk(key, { document: freshCpf(), name: "Beatriz Lopes Teixeira" });
    const foreign = await enrolOk(otherKey, { document: freshCpf(), name: "Cliente De Outro Tenant" });
    const res = await exports.default.fetch(
      new Request("https://api.kycert.test/api/v1/monitoring/imports", {
        method: "POST",
        headers: { "X-API-Key": key, "content-type": "text/csv" },
        body: `document,name,external_id\n${freshCpf()},Importado Com Sucesso,imp-1\n529.982.247-24,Documento Errado,imp-2\n`,
      }),
    );
    expect(res.status).toBe(202);
    const imp = (await res.json()) as { id: string };
    await drainMonitoring();

    const cookie = await devLogin(t.analyst.id);
    const { html } = await page(cookie, "/console/monitoring");
    expect(html).toContain('aria-current="page">Monitoramento');
    expect(html).toContain(listedOne.id);
    expect(html).toContain(clean.id);
    expect(html).not.toContain(foreign.id);
    expect(html).toContain("Jamil Hussein Darwish");
    const alertCase = html.match(/href="\/console\/cases\/(case_[0-9A-Z]+)"/);
    expect(alertCase, "an open alert links to its case").not.toBeNull();
    expect(html).toContain(imp.id);
    expect(html).toContain("imp-2");
    expect(html).toContain("CPF com dígitos verificadores inválidos.");
    expect(html).not.toContain("52998224724");

    // The case page of a monitoring alert: the customer and the alert, no run.
    const kase = (await page(cookie, `/console/cases/${alertCase![1]}`)).html;
    expect(kase).toContain("Alerta de monitoramento");
    expect(kase).toContain("Cliente monitorado");
    expect(kase).toContain("Evidência: o alerta");
    expect(kase).toContain("UN-CON-1");

    // One customer's alerts; the rejected rows as CSV.
    expect((await page(cookie, `/console/monitoring?subject=${clean.id}`)).html).toContain("Nenhum alerta aberto.");
    const csv = await consoleFetch(`/console/monitoring/imports/${imp.id}/errors`, { cookie });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(await csv.text()).toContain("3,imp-2,***.982.247-**");
  });
});
