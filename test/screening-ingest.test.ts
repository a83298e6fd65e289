// List ingestion (issue 9, contract §14): each list loads from its official
// layout through the ListIngest object (download → R2 → parse → staged in
// steps → one atomic switch); same bytes keep the version; a failed or
// suspicious refresh keeps the previous version and records last_error. Files
// come from test/fixtures/lists through the injected lists transport; every
// alarm step is driven by the test.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { listViewOf } from "../src/screening/ingest";
import { currentVersions, entitiesByDocument, entitiesByRefs, getListState, namesOfEntities, searchNames } from "../src/screening/store";
import { LIST_IDS, type ListId } from "../src/screening/types";
import { driveToIdle, FIXTURES, fetched, ingestStub, officialUrls, parsedEntities, refreshNow, rowCounts, serveLists, step, useTestLimits } from "./helpers/lists";

const sha256 = async (b: Uint8Array) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", b))].map((x) => x.toString(16).padStart(2, "0")).join("");

/** The list's view once its fixture version serves (loaded by the first describe, or now). */
async function loaded(id: ListId) {
  serveLists(officialUrls(id));
  if ((await listViewOf(env, id)).status !== "ready") await refreshNow(id);
  const view = await listViewOf(env, id);
  expect(view.status).toBe("ready");
  return view;
}

beforeEach(() => {
  useTestLimits();
  fetched.length = 0;
});

describe("first load of each list", () => {
  for (const id of LIST_IDS) {
    it(`${id}: every entity of the file, its names indexed, its documents`, async () => {
      serveLists(officialUrls(id));
      const expected = await parsedEntities(id);
      expect(expected.length).toBeGreaterThan(0);
      await refreshNow(id);

      const view = await listViewOf(env, id);
      expect(view.last_error).toBeNull();
      expect(view.status).toBe("ready");
      expect(view.loading_since).toBeNull();
      expect(view.version!.entities).toBe(expected.length);
      const [version] = await currentVersions(env.DB, [id]);
      expect(version.sha256).toBe(view.version!.sha256);
      // Single-file lists: the version is the file's own sha256.
      if (!FIXTURES[id].alt) expect(version.sha256).toBe(await sha256(FIXTURES[id].primary!));
      const counts = await rowCounts(id);
      expect(Object.keys(counts)).toEqual([version.sha256]);
      expect(counts[version.sha256].entities).toBe(expected.length);
      expect(counts[version.sha256].names).toBe(view.version!.names);
      expect(counts[version.sha256].documents).toBe(expected.reduce((n, e) => n + e.documents.length, 0));

      // An entity reads back exactly as parsed, and its primary name is found through the index.
      const sample = expected[Math.floor(expected.length / 2)];
      const [stored] = await entitiesByRefs(env.DB, [{ list: id, sha256: version.sha256, entity_id: sample.entity_id }]);
      expect(stored.entity).toEqual(sample);
      expect(stored.record_hash).toMatch(/^[0-9a-f]{64}$/);
      const names = await namesOfEntities(env.DB, [{ list: id, sha256: version.sha256, entity_id: sample.entity_id }]);
      expect(names[0].name).toBe(sample.name);
      const norm = names[0].norm;
      const hits = await searchNames(env.DB, [version], `"${norm.slice(0, 40).replace(/"/g, "")}"`, 50);
      expect(hits.map((h) => h.entity_id)).toContain(sample.entity_id);

      const withDoc = expected.find((e) => e.documents.some((d) => d.kind === "cnpj" || d.kind === "cpf" || d.kind === "cpf_masked"));
      if (withDoc) {
        const doc = withDoc.documents.find((d) => d.kind === "cnpj" || d.kind === "cpf" || d.kind === "cpf_masked")!;
        const found = await entitiesByDocument(env.DB, [version], doc.kind, doc.value);
        expect(found.map((f) => f.entity.entity_id)).toContain(withDoc.entity_id);
      }
      // Downloaded files are staged in R2 only while the refresh runs.
      expect((await env.REPORTS.list({ prefix: `lists/${id}/` })).objects).toEqual([]);
    });
  }
});

describe("refreshing a loaded list", () => {
  it("the same bytes keep the same version: no staging, no new rows", async () => {
    const id: ListId = "un_sc";
    const before = await loaded(id);
    const rowsBefore = await rowCounts(id);
    fetched.length = 0;
    await ingestStub(id).refresh(id, new Date().toISOString());
    expect((await listViewOf(env, id)).loading_since).not.toBeNull();
    const steps = await driveToIdle(id);
    const after = await listViewOf(env, id);
    expect(after.version).toEqual(before.version);
    expect(after.last_error).toBeNull();
    expect(after.loading_since).toBeNull();
    expect(await rowCounts(id)).toEqual(rowsBefore);
    expect(fetched).toEqual(["https://scsanctions.un.org/resources/xml/en/consolidated.xml"]);
    expect(steps).toBeLessThanOrEqual(2); // the download, then the staged file's cleanup
  });

  it("HTTP 500 keeps the previous version and records last_error", async () => {
    const id: ListId = "un_sc";
    const before = await loaded(id);
    serveLists(new Map([["https://scsanctions.un.org/resources/xml/en/consolidated.xml", 500]]));
    await refreshNow(id);
    const after = await listViewOf(env, id);
    expect(after.status).toBe("ready");
    expect(after.version).toEqual(before.version);
    expect(after.last_error!.message).toBe("HTTP 500 ao baixar https://scsanctions.un.org/resources/xml/en/consolidated.xml");
    expect(Date.parse(after.last_error!.at)).toBeGreaterThan(Date.parse(before.version!.fetched_at));
    expect(Object.keys(await rowCounts(id))).toEqual([before.version!.sha256]);
  });

  it("a parse error keeps the previous version, and its staged rows are removed", async () => {
    const id: ListId = "cgu_ceis";
    const before = await loaded(id);
    // A ZIP whose deflate stream is cut short: the parser throws after its header.
    const zip = FIXTURES.cgu_ceis.primary!;
    serveLists(officialUrls(id, { primary: zip.slice(0, Math.floor(zip.length / 2)) }));
    await refreshNow(id);
    const after = await listViewOf(env, id);
    expect(after.version).toEqual(before.version);
    expect(after.status).toBe("ready");
    expect(after.last_error!.message).toMatch(/^erro ao ler o arquivo da lista: /);
    expect(Object.keys(await rowCounts(id))).toEqual([before.version!.sha256]);
  });

  it("fewer than half the current entities is suspicious: the previous version keeps serving", async () => {
    const id: ListId = "ofac_sdn";
    const before = await loaded(id);
    const lines = new TextDecoder().decode(FIXTURES.ofac_sdn.primary!).split("\n");
    const third = new TextEncoder().encode(lines.slice(0, Math.floor(lines.length / 3)).join("\n") + "\n");
    const kept = (await parsedEntities(id, { ...FIXTURES.ofac_sdn, primary: third })).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(before.version!.entities / 2);
    serveLists(officialUrls(id, { ...FIXTURES.ofac_sdn, primary: third }));
    await refreshNow(id);
    const after = await listViewOf(env, id);
    expect(after.version).toEqual(before.version);
    expect(after.last_error!.message).toBe(
      `atualização suspeita: ${kept} entidades, menos da metade das ${before.version!.entities} da versão atual; a versão anterior continua valendo`,
    );
    expect(Object.keys(await rowCounts(id))).toEqual([before.version!.sha256]);
  });

  it("a file without entities keeps the previous version", async () => {
    const id: ListId = "uk_fcdo";
    const before = await loaded(id);
    serveLists(officialUrls(id, { primary: new TextEncoder().encode(`<?xml version="1.0" encoding="utf-8"?><Designations></Designations>`) }));
    await refreshNow(id);
    const after = await listViewOf(env, id);
    expect(after.status).toBe("ready");
    expect(after.version).toEqual(before.version);
    expect(after.last_error!.message).toBe("o arquivo não trouxe nenhuma entidade; a versão anterior continua valendo");
    expect(Object.keys(await rowCounts(id))).toEqual([before.version!.sha256]);
  });
});
