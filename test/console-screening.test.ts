// The console's screening search and lists status against loaded lists: the
// same search as the API, over the lists that are loaded; a list without a
// version is named, never searched as if it were empty.
import { describe, expect, it } from "vitest";
import { consoleFetch, consoleTenant, devLogin, page } from "./helpers/console";
import { listed, seedList } from "./helpers/screening-seed";

describe("console screening", () => {
  it("finds a listed name in the loaded lists, says which lists are not loaded, and keeps the name out of the URL", async () => {
    await seedList("un_sc", [listed({ list: "un_sc", entity_id: "QDi.430", name: "Abu Bakr Al-Baghdadi", birth_dates: ["1971"], programs: ["ISIL"] })]);
    const t = await consoleTenant();
    const cookie = await devLogin(t.analyst.id);
    const { html, csrf } = await page(cookie, "/console/screening");
    expect(html).not.toContain("Lista não carregada.");
    expect(html).toMatch(/listas não estão carregadas; a busca usa só as 1 prontas/);

    const res = await consoleFetch("/console/screening", { cookie, form: { _csrf: csrf, name: "Abu Bakr al Baghdadi", type: "pf" } });
    expect(res.status).toBe(200);
    const found = await res.text();
    expect(found).toContain("QDi.430");
    expect(found).toContain("Abu Bakr Al-Baghdadi");
    expect(found).toContain("ISIL");

    const none = await (await consoleFetch("/console/screening", { cookie, form: { _csrf: csrf, name: "Maria Aparecida dos Santos" } })).text();
    expect(none).toContain("Verificado: nenhum registro acima do limiar");
  });

  it("a bad query is shown on the page (400), not as an API error", async () => {
    await seedList("un_sc", [listed({ list: "un_sc", entity_id: "QDi.1", name: "Fulano de Tal" })]);
    const t = await consoleTenant();
    const cookie = await devLogin(t.analyst.id);
    const { csrf } = await page(cookie, "/console/screening");
    const res = await consoleFetch("/console/screening", { cookie, form: { _csrf: csrf, name: "Fulano", birth_date: "1990-02-30" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("Busca inválida");
  });

  it("lists status shows the loaded version to admins", async () => {
    const v = await seedList("cgu_pep", [listed({ list: "cgu_pep", entity_id: "pep-1", name: "Beltrano Silva" })]);
    const t = await consoleTenant();
    const html = (await page(await devLogin(t.admin.id), "/console/lists")).html;
    expect(html).toContain(`${v.sha256.slice(0, 10)}…`);
    expect(html).toContain("Pronta");
  });
});
