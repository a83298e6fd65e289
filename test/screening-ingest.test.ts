// List ingestion (issue 9, contract §14): each list loads from its official
// layout through the ListIngest object (download → R2 → parse → staged in
// steps → one atomic switch); same bytes keep the version; a failed or
// suspicious refresh keeps the previous version and records last_error. Files
// come from test/fixtures/lists through the injected lists transport; every
// alarm step is driven by the test.
import { env } from "cloudflare:workers";
import { createScheduledController, runInDurableObject } from "cloudflare:test";
import { unzipSync, zipSync } from "fflate";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../src/index";
import { SWEEP_CRON } from "../src/runs/sweeper";
import { LIST_CRONS, listViewOf, maxDropOf, RefreshFailure, resolveFiles } from "../src/screening/ingest";
import { getListState } from "../src/screening/store";
import { keptVersions } from "../src/screening/versions";
import { currentVersions, entitiesByDocument, entitiesByRefs, namesOfEntities, searchNames } from "./helpers/screening-store";
import { LIST_IDS, type ListId } from "../src/screening/types";
import {
  CGU_PAGE,
  driveToIdle,
  FIXTURES,
  fetched,
  ingestStub,
  killIngest,
  officialUrls,
  parsedEntities,
  refreshNow,
  rowCounts,
  serveLists,
  step,
  useTestLimits,
} from "./helpers/lists";
import { listsDbFaults, listsStorageFaults, listsTransport } from "./helpers/transports";
import { zipBomb } from "./helpers/zip-bomb";

const sha256 = async (b: Uint8Array) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", b))].map((x) => x.toString(16).padStart(2, "0")).join("");

/** The versions of a list kept (served at some time, not retired), newest first. */
const keptShas = async (id: ListId) => (await keptVersions(env.DB, id)).map((v) => v.sha256);

/**
 * Other bytes and one listed record changed (a UN individual's first name, an
 * EU subject's first name): a new version to refresh to. (A file that lists the
 * same entities, say with a comment added, makes no new version.)
 */
function withChange(id: "un_sc" | "eu_fsf", b: Uint8Array, note: string): Uint8Array {
  const text = new TextDecoder().decode(b);
  const tag = note.toUpperCase().replace(/[^A-Z]+/g, " ").trim();
  const out = id === "un_sc" ? text.replace(/<FIRST_NAME>([^<]*)<\/FIRST_NAME>/, `<FIRST_NAME>$1 ${tag}</FIRST_NAME>`) : text.replace(/wholeName="([^"]*)"/, `wholeName="$1 ${tag}"`);
  if (out === text) throw new Error(`withChange(${id}): nothing to change`);
  return new TextEncoder().encode(out);
}

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
  delete listsTransport.onVersionCurrent;
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
    expect(Object.keys(await rowCounts(id)).sort()).toEqual((await keptShas(id)).sort());
    // The next refresh that works (here: the same bytes) clears it.
    serveLists(officialUrls(id));
    await refreshNow(id);
    expect(await listViewOf(env, id)).toEqual({ ...after, last_error: null });
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
    expect(Object.keys(await rowCounts(id)).sort()).toEqual((await keptShas(id)).sort());
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
    expect(Object.keys(await rowCounts(id)).sort()).toEqual((await keptShas(id)).sort());
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
    expect(Object.keys(await rowCounts(id)).sort()).toEqual((await keptShas(id)).sort());
  });
});

describe("staging in steps", () => {
  /** Entities of the list's serving version, read the way searches read (the members of current_sha256). */
  const visibleEntities = async (id: ListId) =>
    (await env.DB.prepare(
      "SELECT count(*) AS n FROM screening_version_members m JOIN screening_lists l ON l.id = m.list_id AND l.current_sha256 = m.sha256 WHERE m.list_id = ?",
    )
      .bind(id)
      .first<{ n: number }>())!.n;

  it("the switch is atomic: while a new version stages, readers see only the old one", async () => {
    const id: ListId = "ofac_cons";
    const v1 = await loaded(id);
    const text = new TextDecoder().decode(FIXTURES.ofac_cons.primary!);
    const firstName = /^\d+,"([^"]+)"/m.exec(text)![1];
    const v2Primary = new TextEncoder().encode(text.replace(`"${firstName}"`, `"ZZTEST QUARTZ HOLDINGS"`));
    serveLists(officialUrls(id, { ...FIXTURES.ofac_cons, primary: v2Primary }));
    useTestLimits({ batchEntities: 25, stepEntities: 25 });

    await ingestStub(id).refresh(id, new Date().toISOString());
    expect(await step(id)).toBe(true); // download
    expect(await step(id)).toBe(true); // inspect
    const staging = (await ingestStub(id).progress()).job!;
    expect(staging.phase).toBe("stage");
    const v2 = staging.sha256!;
    expect(v2).not.toBe(v1.version!.sha256);

    let midway = 0;
    for (;;) {
      expect(await step(id)).toBe(true);
      const p = await ingestStub(id).progress();
      if (!p.job) break;
      const rows = await rowCounts(id);
      if (rows[v2]?.entities > 0) midway++;
      // Half-staged: the reader sees v1 whole, and nothing of v2.
      const [current] = await currentVersions(env.DB, [id]);
      expect(current.sha256).toBe(v1.version!.sha256);
      expect(await visibleEntities(id)).toBe(v1.version!.entities);
      expect(await searchNames(env.DB, [current], '"zztest quartz"', 10)).toEqual([]);
      expect((await listViewOf(env, id)).status).toBe("ready");
      expect((await listViewOf(env, id)).loading_since).toBe(staging.loadingSince);
    }
    expect(midway).toBeGreaterThan(2);

    // Switched in one step: v2 serves whole; v1 is kept (for replays), its unchanged records shared with v2.
    const view = await listViewOf(env, id);
    expect(view.version!.sha256).toBe(v2);
    expect(view.loading_since).toBeNull();
    expect(await visibleEntities(id)).toBe(view.version!.entities);
    const [current] = await currentVersions(env.DB, [id]);
    expect((await searchNames(env.DB, [current], '"zztest quartz"', 10)).length).toBe(1);
    expect(Object.keys(await rowCounts(id)).sort()).toEqual([v1.version!.sha256, v2].sort());
    // A search that pins v1 still reads v1: the old name, not the new one.
    const pinnedV1 = { list: id, sha256: v1.version!.sha256 };
    expect((await searchNames(env.DB, [pinnedV1], '"zztest quartz"', 10)).length).toBe(0);
    const firstId = /^(\d+),"/m.exec(text)![1];
    const [oldName] = await namesOfEntities(env.DB, [{ list: id, sha256: v1.version!.sha256, entity_id: firstId }]);
    expect(oldName.name).toBe(firstName);
    expect((await searchNames(env.DB, [pinnedV1], `"${oldName.norm.split(" | ")[0]}"`, 10)).map((n) => n.entity_id)).toContain(firstId);
    expect((await searchNames(env.DB, [current], `"${oldName.norm.split(" | ")[0]}"`, 10)).map((n) => n.entity_id)).not.toContain(firstId);
    await driveToIdle(id);
    expect(Object.keys(await rowCounts(id)).sort()).toEqual([v1.version!.sha256, v2].sort());
  });

  it("a batch that reached D1 without its checkpoint is undone when the step resumes", async () => {
    const id: ListId = "eu_fsf";
    await loaded(id);
    // Force a new version (one subject renamed) staged two entities at a time.
    const v2Bytes = withChange(id, FIXTURES.eu_fsf.primary!, "checkpoint lost");
    serveLists(officialUrls(id, { primary: v2Bytes }));
    useTestLimits({ batchEntities: 2, stepEntities: 2 });
    const expected = await parsedEntities(id, { primary: v2Bytes });
    await ingestStub(id).refresh(id, new Date().toISOString());
    await step(id); // download
    await step(id); // inspect
    await step(id); // the first 2 entities, checkpoint 2
    await step(id); // the next 2, checkpoint 4
    const stub = ingestStub(id);
    // As if the process died after the D1 batch of entities 3–4 but before its checkpoint.
    await runInDurableObject(stub, async (_o, state) => {
      const sql = state.storage.sql;
      const job = JSON.parse(sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'job'").one().v);
      expect(job.consumed).toBe(4);
      const lost = expected.slice(2, 4).map((e) => e.entity_id);
      const lostNames = (await namesOfEntities(env.DB, lost.map((entity_id) => ({ list: id, sha256: job.sha256, entity_id })))).length;
      for (const e of lost) sql.exec("DELETE FROM seen WHERE id = ?", e);
      sql.exec("UPDATE meta SET v = ? WHERE k = 'job'", JSON.stringify({ ...job, consumed: 2, entities: job.entities - 2, names: job.names - lostNames }));
      sql.exec("INSERT INTO meta (k, v) VALUES ('inflight', ?)", JSON.stringify(lost));
    });
    await driveToIdle(id);
    const view = await listViewOf(env, id);
    expect(view.version!.sha256).toBe(await sha256(v2Bytes));
    const counts = (await rowCounts(id))[view.version!.sha256];
    expect(view.version!.entities).toBe(expected.length);
    expect(counts.entities).toBe(expected.length);
    expect(counts.names).toBe(view.version!.names);
    expect(counts.documents).toBe(expected.reduce((n, e) => n + e.documents.length, 0));
  });

  it("a refresh already running is the same refresh: one job, one download", async () => {
    const id: ListId = "cgu_cnep";
    await loaded(id);
    const first = await ingestStub(id).refresh(id, "2026-11-30T10:00:00.000Z");
    const second = await ingestStub(id).refresh(id, "2026-11-30T10:00:05.000Z");
    expect(first).toEqual({ started: true, loading_since: "2026-11-30T10:00:00.000Z" });
    expect(second).toEqual({ started: false, loading_since: "2026-11-30T10:00:00.000Z" });
    expect((await getListState(env.DB, id))!.loading_since).toBe("2026-11-30T10:00:00.000Z");
    fetched.length = 0;
    await driveToIdle(id);
    expect(fetched.filter((u) => u.endsWith(".zip"))).toHaveLength(1);
    expect((await getListState(env.DB, id))!.loading_since).toBeNull();
  });

  it("an optional file the source lacks (OFAC comments, 404) does not fail the refresh", async () => {
    const id: ListId = "ofac_cons";
    await loaded(id);
    const { comments: _none, ...rest } = FIXTURES.ofac_cons;
    serveLists(officialUrls(id, rest));
    const before = await listViewOf(env, id);
    await refreshNow(id);
    const after = await listViewOf(env, id);
    expect(after.last_error).toEqual(before.last_error);
    expect(after.version!.sha256).not.toBe(before.version!.sha256);
    expect(after.version!.entities).toBe((await parsedEntities(id, rest)).length);
  });
});

describe("Cron Triggers", () => {
  it("a list cron starts the refresh of its lists as of the scheduled time; the sweeper's does not", async () => {
    serveLists(officialUrls("mte_empregadores"));
    const at = Date.parse("2026-11-30T09:41:00.000Z");
    await worker.scheduled(createScheduledController({ scheduledTime: at, cron: SWEEP_CRON }), env);
    expect((await ingestStub("mte_empregadores").progress()).job).toBeNull();
    const weekly = Object.entries(LIST_CRONS).find(([, ids]) => ids.includes("mte_empregadores"))![0];
    await worker.scheduled(createScheduledController({ scheduledTime: at, cron: weekly }), env);
    const job = (await ingestStub("mte_empregadores").progress()).job!;
    expect(job.loadingSince).toBe("2026-11-30T09:41:00.000Z");
    expect(job.asOf).toBe("2026-11-30");
    expect((await getListState(env.DB, "mte_empregadores"))!.loading_since).toBe("2026-11-30T09:41:00.000Z");
    await driveToIdle("mte_empregadores");
    expect((await listViewOf(env, "mte_empregadores")).status).toBe("ready");
  });
});

describe("where lists come from (LIST_URL_<ID>)", () => {
  const fakeFetch = (async () => new Response("")) as unknown as typeof fetch;
  const withVars = (vars: Record<string, string>) => ({ ...env, ...vars }) as Env;

  it("OFAC: a base URL the official file names are appended to", async () => {
    const r = await resolveFiles(withVars({ LIST_URL_OFAC_SDN: "http://127.0.0.1:8790/ofac-sdn" }), "ofac_sdn", fakeFetch, 1000);
    expect(r.sourceUrl).toBe("http://127.0.0.1:8790/ofac-sdn");
    expect(r.files.map((f) => f.url)).toEqual([
      "http://127.0.0.1:8790/ofac-sdn/SDN.CSV",
      "http://127.0.0.1:8790/ofac-sdn/ALT.CSV",
      "http://127.0.0.1:8790/ofac-sdn/ADD.CSV",
      "http://127.0.0.1:8790/ofac-sdn/SDN_COMMENTS.CSV",
    ]);
  });

  it("the others: the file itself, https anywhere, http only on loopback", async () => {
    expect((await resolveFiles(withVars({ LIST_URL_UN_SC: "https://mirror.example.com/un.xml" }), "un_sc", fakeFetch, 1000)).files[0].url).toBe(
      "https://mirror.example.com/un.xml",
    );
    for (const ok of ["http://127.0.0.1:9/x.zip", "http://localhost:9/x.zip", "http://[::1]:9/x.zip"]) {
      expect((await resolveFiles(withVars({ LIST_URL_CGU_CEIS: ok }), "cgu_ceis", fakeFetch, 1000)).files[0].url).toBe(new URL(ok).toString());
    }
    for (const bad of ["http://mirror.example.com/un.xml", "ftp://127.0.0.1/un.xml", "file:///etc/passwd", "not a url"]) {
      await expect(resolveFiles(withVars({ LIST_URL_UN_SC: bad }), "un_sc", fakeFetch, 1000)).rejects.toThrow(RefreshFailure);
    }
    await expect(resolveFiles(withVars({ LIST_URL_UN_SC: "http://10.0.0.1/un.xml" }), "un_sc", fakeFetch, 1000)).rejects.toThrow(
      "LIST_URL_UN_SC: use https (http só em loopback): http://10.0.0.1",
    );
  });

  it("CGU lists without an override: the newest file named by the download page", async () => {
    const page = (async () => new Response(CGU_PAGE)) as unknown as typeof fetch;
    const r = await resolveFiles(env, "cgu_pep", page, 1000);
    expect(r.files.map((f) => f.url)).toEqual(["https://dadosabertos-download.cgu.gov.br/PortalDaTransparencia/saida/pep/202611_PEP.zip"]);
    const none = (async () => new Response("<html>sem arquivos</html>")) as unknown as typeof fetch;
    await expect(resolveFiles(env, "cgu_ceis", none, 1000)).rejects.toThrow(RefreshFailure);
  });
});

describe("failures on the way", () => {
  it("a staged file lost from R2 is retried, then the refresh gives up with last_error; the version keeps serving", async () => {
    const id: ListId = "un_sc";
    const before = await loaded(id);
    const v2 = withChange(id, FIXTURES.un_sc.primary!, "lost file");
    serveLists(officialUrls(id, { primary: v2 }));
    useTestLimits({ maxFailures: 2 });
    await ingestStub(id).refresh(id, new Date().toISOString());
    await step(id); // download
    const staged = await env.REPORTS.list({ prefix: `lists/${id}/` });
    expect(staged.objects).toHaveLength(1);
    await env.REPORTS.delete(staged.objects.map((o) => o.key));
    await step(id); // R2 read fails: retried later
    const retrying = await ingestStub(id).progress();
    expect(retrying.job).toMatchObject({ phase: "inspect", failures: 1, failedWith: null });
    expect(retrying.alarm).toBeGreaterThan(Date.now() + 3_000_000); // retryDelayMs (an hour in tests)
    expect((await listViewOf(env, id)).last_error).toBeNull();
    await step(id); // fails again: maxFailures reached
    const after = await listViewOf(env, id);
    expect(after.version).toEqual(before.version);
    expect(after.loading_since).toBeNull();
    expect(after.last_error!.message).toMatch(/^falha interna ao atualizar a lista \(TransientError\): arquivo baixado não encontrado no R2: lists\/un_sc\//);
    await driveToIdle(id);
    expect(Object.keys(await rowCounts(id)).sort()).toEqual((await keptShas(id)).sort());
  });

  it("a refresh stuck past maxRefreshMs is given up when the next one is asked for", async () => {
    const id: ListId = "cgu_pep";
    const before = await loaded(id);
    useTestLimits({ maxRefreshMs: 3_600_000 });
    expect((await ingestStub(id).refresh(id, "2026-11-30T08:00:00.000Z")).started).toBe(true);
    expect((await ingestStub(id).refresh(id, "2026-11-30T08:59:00.000Z")).started).toBe(false);
    const next = await ingestStub(id).refresh(id, "2026-11-30T09:00:01.000Z");
    expect(next).toEqual({ started: true, loading_since: "2026-11-30T09:00:01.000Z" });
    expect((await ingestStub(id).progress()).job!.loadingSince).toBe("2026-11-30T09:00:01.000Z");
    const view = await listViewOf(env, id);
    expect(view.loading_since).toBe("2026-11-30T09:00:01.000Z");
    expect(view.last_error!.message).toBe("atualização abandonada: passou do tempo máximo sem terminar; a versão anterior continua valendo");
    await driveToIdle(id);
    const after = await listViewOf(env, id);
    expect(after.version).toEqual(before.version);
    expect(after.last_error).toBeNull();
  });
});

describe("ingest that cannot be knocked over", () => {
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const bytes = (s: string) => new TextEncoder().encode(s);
  const latin1Text = (b: Uint8Array) => String.fromCharCode(...b);
  const latin1Bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

  /** After a refused refresh: the version that served before still serves, whole, with last_error set and no rows of the refused one left. */
  async function refusedKeepingServing(id: ListId, before: Awaited<ReturnType<typeof loaded>>): Promise<string> {
    const after = await listViewOf(env, id);
    expect(after.status).toBe("ready");
    expect(after.version).toEqual(before.version);
    expect(after.loading_since).toBeNull();
    expect(Object.keys(await rowCounts(id)).sort()).toEqual((await keptShas(id)).sort());
    expect(after.last_error).not.toBeNull();
    return after.last_error!.message;
  }

  it("a zip bomb (300 KB that inflates to 300 MB) is refused with last_error before anything is staged", async () => {
    const id: ListId = "cgu_ceis";
    const before = await loaded(id);
    const bomb = zipBomb(300);
    expect(bomb.length).toBeLessThan(320_000);
    serveLists(officialUrls(id, { primary: bomb }));
    await ingestStub(id).refresh(id, new Date().toISOString());
    await step(id); // download
    await step(id); // inspect: refused
    expect(await refusedKeepingServing(id, before)).toMatch(
      /^arquivo recusado: o ZIP descompacta mais de 100 vezes o seu tamanho \([\d.]+ bytes de [\d.]+\): parece uma bomba de descompactação; a versão anterior continua valendo$/,
    );
    await driveToIdle(id);
  });

  it("a CSV field without quotes that grows past the cap is refused with last_error", async () => {
    const id: ListId = "mte_empregadores";
    const before = await loaded(id);
    const huge = new Uint8Array([...FIXTURES.mte_empregadores.primary!, ...bytes(`9999;2026;SP;${"X".repeat(150_000)};11.222.333/0001-81;Fazenda;1;0151-2/01;01/01/2026;01/02/2026\n`)]);
    serveLists(officialUrls(id, { primary: huge }));
    await refreshNow(id);
    expect(await refusedKeepingServing(id, before)).toBe("arquivo recusado: um campo do CSV passa de 100.000 caracteres; a versão anterior continua valendo");
  });

  it("a CSV is read in the one encoding its whole file has, found before the parse; two encodings in one file are refused", async () => {
    const id: ListId = "mte_empregadores";
    const before = await loaded(id);
    // UTF-8 whose first 64 KiB are plain ASCII: its first bytes alone would read as the MTE's usual ISO-8859-1.
    const lines = latin1Text(FIXTURES.mte_empregadores.primary!).split(/\r?\n/);
    const header = lines.findIndex((l) => l.startsWith("ID;"));
    const filler = Array.from({ length: 800 }, (_, i) => `${9000 + i};2020;SP;EMPREGADOR EXEMPLO ${i};${String(10_000_000_000_000 + i)};Fazenda Exemplo;1;0151-2/01;01/01/2020;01/01/2021`);
    const utf8File = bytes(["CADASTRO DE EMPREGADORES", lines[header].normalize("NFD").replace(/[\u0300-\u036f]/g, ""), ...filler, ...lines.slice(header + 1)].join("\n"));
    expect(utf8File.findIndex((b) => b >= 0x80)).toBeGreaterThan(65536);
    serveLists(officialUrls(id, { primary: utf8File }));
    await refreshNow(id);
    const view = await listViewOf(env, id);
    expect(view.last_error).toBeNull();
    expect(view.version!.sha256).toBe(await sha256(utf8File));
    const { results } = await env.DB.prepare(
      "SELECT r.name FROM screening_version_members m JOIN screening_records r ON r.record_hash = m.record_hash WHERE m.list_id = ? AND m.sha256 = ? AND r.name LIKE 'PATR%'",
    )
      .bind(id, view.version!.sha256)
      .all<{ name: string }>();
    expect(results.map((r) => r.name)).toEqual(["PATRÍCIA LETÍCIA CARDOSO NASCIMENTO"]);

    // The same rows with the original ISO-8859-1 ones appended: no single encoding reads it all.
    const mixed = new Uint8Array([...utf8File, 0x0a, ...latin1Bytes(lines.slice(header + 1).join("\n").replace(/^(\d+);/gm, "1$1;"))]);
    serveLists(officialUrls(id, { primary: mixed }));
    await refreshNow(id);
    expect(await refusedKeepingServing(id, view)).toMatch(
      /^arquivo recusado: o arquivo mistura codificações: [\d.]+ caracteres em UTF-8 \(o primeiro no byte [\d.]+\) e [\d.]+ bytes que não são UTF-8 \(o primeiro no byte [\d.]+\); nenhuma codificação lê o arquivo inteiro; a versão anterior continua valendo$/,
    );
    expect(before.version!.sha256).not.toBe(view.version!.sha256);
  });

  it("a step that kills its isolate three times fails the refresh with last_error instead of running forever", async () => {
    const id: ListId = "uk_fcdo";
    const before = await loaded(id);
    let downloads = 0;
    // The download dies with its isolate each time, as out of memory would.
    listsTransport.fetch = (async () => {
      downloads++;
      killIngest(id);
      return new Response("unreachable");
    }) as typeof fetch;
    await ingestStub(id).refresh(id, new Date().toISOString());
    for (let i = 0; i < 3; i++) await expect(step(id)).rejects.toThrow("injected: the isolate died");
    expect((await listViewOf(env, id)).loading_since).not.toBeNull();
    await driveToIdle(id);
    expect(downloads).toBe(3);
    expect(await refusedKeepingServing(id, before)).toBe(
      "atualização abandonada: a etapa de download parou 3 vezes no mesmo ponto sem terminar (o processo morreu: memória ou tempo de CPU esgotados?); a versão anterior continua valendo",
    );
    // The next refresh starts afresh.
    serveLists(officialUrls(id));
    await refreshNow(id);
    expect((await listViewOf(env, id)).last_error).toBeNull();
  });

  it("a refresh that drops more of the serving version's entities than the list allows is refused — by id, not by count", async () => {
    const id: ListId = "un_sc";
    const before = await loaded(id);
    expect(before.version!.sha256).toBe(await sha256(FIXTURES.un_sc.primary!));
    // Every 6th designation under a new id: as many entities, but 1 in 6 of the serving ones gone.
    let n = 0;
    const renumbered = bytes(text(FIXTURES.un_sc.primary!).replace(/<DATAID>(\d+)<\/DATAID>/g, (m, d) => (++n % 6 === 0 ? `<DATAID>${d}0</DATAID>` : m)));
    const now = new Set((await parsedEntities(id, { primary: renumbered })).map((e) => e.entity_id));
    const dropped = (await parsedEntities(id)).filter((e) => !now.has(e.entity_id)).length;
    expect(now.size).toBe(before.version!.entities);
    expect(dropped / before.version!.entities).toBeGreaterThan(0.1);
    serveLists(officialUrls(id, { primary: renumbered }));
    await refreshNow(id);
    const pct = ((dropped / before.version!.entities) * 100).toLocaleString("pt-BR", { maximumFractionDigits: 1 });
    expect(await refusedKeepingServing(id, before)).toBe(
      `atualização suspeita: a nova versão retira ${dropped} das ${before.version!.entities} entidades da versão atual (${pct} %), mais que os 10 % permitidos (LIST_MAX_DROP_UN_SC); a versão anterior continua valendo`,
    );
  });

  it("within the list's allowance the refresh goes through: a sanctions list dropping 5 %, a Brazilian one 30 %", async () => {
    const cons: ListId = "ofac_cons";
    await loaded(cons);
    let n = 0;
    const prim = bytes(
      text(FIXTURES.ofac_cons.primary!)
        .split("\n")
        .filter((l) => !/^\d+,/.test(l) || ++n % 20 !== 0)
        .join("\n"),
    );
    serveLists(officialUrls(cons, { ...FIXTURES.ofac_cons, primary: prim }));
    await refreshNow(cons);
    expect(await listViewOf(env, cons)).toMatchObject({ last_error: null, version: { entities: (await parsedEntities(cons, { ...FIXTURES.ofac_cons, primary: prim })).length } });

    const cnep: ListId = "cgu_cnep";
    const before = await loaded(cnep);
    const [[name, csv]] = Object.entries(unzipSync(FIXTURES.cgu_cnep.primary!));
    const rows = latin1Text(csv).split("\r\n");
    const kept = [rows[0], ...rows.slice(1).filter((_, i) => i % 10 >= 3)].join("\r\n");
    const zip = zipSync({ [name]: latin1Bytes(kept) });
    const left = (await parsedEntities(cnep, { primary: zip })).length;
    expect(left / before.version!.entities).toBeGreaterThan(0.6);
    expect(left / before.version!.entities).toBeLessThan(0.75);
    serveLists(officialUrls(cnep, { primary: zip }));
    await refreshNow(cnep);
    expect(await listViewOf(env, cnep)).toMatchObject({ last_error: null, version: { sha256: await sha256(zip), entities: left } });
  });

  it("LIST_MAX_DROP_<ID> overrides the list's default, as a fraction or a percentage; anything else fails the refresh", () => {
    const withVars = (vars: Record<string, string>) => ({ ...env, ...vars }) as Env;
    expect(maxDropOf(env, "uk_fcdo")).toBe(0.1);
    expect(maxDropOf(env, "cgu_pep")).toBe(0.5);
    expect(maxDropOf(withVars({ LIST_MAX_DROP_UN_SC: "25%" }), "un_sc")).toBe(0.25);
    expect(maxDropOf(withVars({ LIST_MAX_DROP_UN_SC: "0.3" }), "un_sc")).toBe(0.3);
    expect(maxDropOf(withVars({ LIST_MAX_DROP_UN_SC: "100 %" }), "un_sc")).toBe(1);
    expect(maxDropOf(withVars({ LIST_MAX_DROP_UN_SC: "25%" }), "eu_fsf")).toBe(0.1);
    for (const bad of ["10", "-0.1", "dez"]) {
      expect(() => maxDropOf(withVars({ LIST_MAX_DROP_UN_SC: bad }), "un_sc")).toThrow(
        new RefreshFailure(`LIST_MAX_DROP_UN_SC inválido: "${bad}" (use uma fração entre 0 e 1, como 0.25, ou uma porcentagem, como 25%)`),
      );
    }
  });

  it("a file generated before the serving version is refused (UN dateGenerated, EU generationDate); a later one goes through", async () => {
    for (const [id, attr] of [
      ["un_sc", "dateGenerated"],
      ["eu_fsf", "generationDate"],
    ] as const) {
      const before = await loaded(id);
      const file = text(FIXTURES[id].primary!);
      const serving = new RegExp(`${attr}="([^"]+)"`).exec(file)![1];
      serveLists(officialUrls(id, { primary: bytes(file.replace(`${attr}="${serving}"`, `${attr}="2025-12-31T23:59:59.000Z"`)) }));
      await refreshNow(id);
      expect(await refusedKeepingServing(id, before)).toBe(
        `o arquivo foi gerado em 2025-12-31T23:59:59.000Z, antes da versão em uso (gerada em ${serving}): uma cópia desatualizada não volta a lista no tempo; a versão anterior continua valendo`,
      );
    }
    // A later EU file is a new version, and its date is the one the next refresh is held to.
    const eu = text(FIXTURES.eu_fsf.primary!);
    const later = withChange("eu_fsf", bytes(eu.replace(/generationDate="[^"]+"/, 'generationDate="2026-12-01T08:00:00.000+01:00"')), "later");
    serveLists(officialUrls("eu_fsf", { primary: later }));
    await refreshNow("eu_fsf");
    const switched = await listViewOf(env, "eu_fsf");
    expect(switched).toMatchObject({ last_error: null, version: { sha256: await sha256(later) } });
    serveLists(officialUrls("eu_fsf", { primary: withChange("eu_fsf", bytes(eu.replace(/generationDate="[^"]+"/, 'generationDate="2026-11-30T08:00:00.000+01:00"')), "between") }));
    await refreshNow("eu_fsf");
    expect(await refusedKeepingServing("eu_fsf", switched)).toBe(
      "o arquivo foi gerado em 2026-11-30T08:00:00.000+01:00, antes da versão em uso (gerada em 2026-12-01T08:00:00.000+01:00): uma cópia desatualizada não volta a lista no tempo; a versão anterior continua valendo",
    );
  });

  it("a switch that does not land is a failure with last_error, not a success; the previous version keeps serving", async () => {
    const id: ListId = "un_sc";
    const before = await loaded(id);
    serveLists(officialUrls(id, { primary: withChange(id, FIXTURES.un_sc.primary!, "lost switch") }));
    await ingestStub(id).refresh(id, new Date().toISOString());
    await step(id); // download
    await step(id); // inspect
    // Meanwhile the list stops being this refresh's (as when it was ended elsewhere).
    await env.DB.prepare("UPDATE screening_lists SET loading_since = NULL WHERE id = ?").bind(id).run();
    await driveToIdle(id);
    expect(await refusedKeepingServing(id, before)).toBe(
      "a troca de versão não foi aplicada: a lista não estava mais em atualização por este pedido (outro o substituiu ou o encerrou); a versão anterior continua valendo",
    );
  });

  it("a switch retried after it landed (the isolate died before recording it) ends as the success it was, the monitoring hook called once", async () => {
    const id: ListId = "un_sc";
    const before = await loaded(id);
    const calls: unknown[] = [];
    listsTransport.onVersionCurrent = async (_env, v) => {
      calls.push(v);
    };
    const next = withChange(id, FIXTURES.un_sc.primary!, "landed switch");
    serveLists(officialUrls(id, { primary: next }));
    await ingestStub(id).refresh(id, new Date().toISOString());
    await step(id); // download
    await step(id); // inspect
    listsDbFaults.dieAfterSwitch = true;
    // Stage, delta, switch: the switch lands in D1, then the isolate dies before the object records it.
    await expect(step(id)).rejects.toThrow("injected: the isolate died after the switch");
    const landed = await listViewOf(env, id);
    expect(landed.version!.sha256).toBe(await sha256(next));
    expect((await ingestStub(id).progress()).job).toMatchObject({ phase: "switch" });
    expect(calls).toEqual([]);
    await driveToIdle(id);
    const after = await listViewOf(env, id);
    expect(after).toMatchObject({ last_error: null, loading_since: null, version: { sha256: await sha256(next) } });
    expect(calls).toEqual([{ list: id, sha256: await sha256(next), previous_sha256: before.version!.sha256 }]);
    expect((await keptVersions(env.DB, id))[0]).toMatchObject({ sha256: await sha256(next), previous_sha256: before.version!.sha256, added: 0, modified: 1, removed: 0 });
  });

  it("an R2 read that breaks off mid-file is retried, and the refresh goes through", async () => {
    const id: ListId = "un_sc";
    const before = await loaded(id);
    const v3 = withChange(id, FIXTURES.un_sc.primary!, "transient");
    serveLists(officialUrls(id, { primary: v3 }));
    await ingestStub(id).refresh(id, new Date().toISOString());
    await step(id); // download
    await step(id); // inspect (the root element only)
    Object.assign(listsStorageFaults, { readErrors: 1, afterBytes: 100_000 });
    await step(id); // stage: the read breaks off after 100 KB
    expect(listsStorageFaults.readErrors).toBe(0);
    expect((await ingestStub(id).progress()).job).toMatchObject({ phase: "stage", failures: 1, failedWith: null });
    expect((await listViewOf(env, id)).last_error).toBeNull();
    await driveToIdle(id);
    const after = await listViewOf(env, id);
    expect(after).toMatchObject({ last_error: null, version: { sha256: await sha256(v3), entities: before.version!.entities } });
  });
});
