// List versions and their deltas (contract §17 "List versions and deltas",
// "Timeliness"): each new version knows its added, modified and removed
// entities; the same bytes, or the same entities in another file, make no new
// version and alert nobody; the versions kept (the last 30, and every one that
// served in the last 90 days) are listed on the admin plane and can be pinned
// by a search (a version gone → 409 list_version_gone); unchanged entities are
// stored once; the UN list is polled with conditional GETs; the monitoring hook
// is called once per switch. Files come through the injected lists transport;
// every alarm step is driven by the test.
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ListVersionCurrent } from "../src/monitoring/rescreen";
import { INDEX_TEXT_VERSION } from "../src/screening/match/index-keys";
import { listViewOf } from "../src/screening/ingest";
import type { ListId } from "../src/screening/types";
import { keptVersions, versionChanges, type VersionChange } from "../src/screening/versions";
import { admin, call, createKey, createTenant, expectError } from "./helpers/api";
import { driveToIdle, fetched, FIXTURES, ingestStub, officialUrls, refreshNow, rowCounts, serveLists, step, storedRecords, useTestLimits } from "./helpers/lists";
import { listed, seedList, unseedList } from "./helpers/screening-seed";
import { listsTransport } from "./helpers/transports";

const UN_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml";
const SEARCH = "/api/v1/screening/search";

const sha256 = async (b: Uint8Array) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", b))].map((x) => x.toString(16).padStart(2, "0")).join("");
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

/** The UN fixture's individuals, and the file around them. */
const UN = text(FIXTURES.un_sc.primary!);
const BLOCKS = [...UN.matchAll(/ {4}<INDIVIDUAL>[\s\S]*?<\/INDIVIDUAL>\n/g)].map((m) => m[0]);
const withIndividuals = (blocks: string[]) => bytes(UN.slice(0, UN.indexOf(BLOCKS[0])) + blocks.join("") + UN.slice(UN.indexOf(BLOCKS[BLOCKS.length - 1]) + BLOCKS[BLOCKS.length - 1].length));
const idOf = (block: string) => /<DATAID>(\d+)<\/DATAID>/.exec(block)![1];

/** v2 of the UN list: the first individual renamed, the second delisted, a new one designated. */
const MODIFIED = idOf(BLOCKS[0]);
const REMOVED = idOf(BLOCKS[1]);
const ADDED = "9999001";
const V2_BLOCKS = [
  BLOCKS[0].replace("<FIRST_NAME>ERIC</FIRST_NAME>", "<FIRST_NAME>ERICO</FIRST_NAME>"),
  ...BLOCKS.slice(2),
  BLOCKS[2].replace(/<DATAID>\d+<\/DATAID>/, `<DATAID>${ADDED}</DATAID>`).replace(/<FIRST_NAME>[^<]*<\/FIRST_NAME>/, "<FIRST_NAME>ZEFERINO QUARTZOLINO</FIRST_NAME>"),
];
const V1 = FIXTURES.un_sc.primary!;
const V2 = withIndividuals(V2_BLOCKS);
/** v2's entities in another order: other bytes, the same entities. */
const V2_REORDERED = withIndividuals([...V2_BLOCKS].reverse());

/** The monitoring hook's calls (src/monitoring/rescreen.ts onListVersionCurrent, through the test seam). */
const hookCalls: ListVersionCurrent[] = [];

let key: string;

beforeAll(async () => {
  const tenant = await createTenant();
  key = await createKey(tenant.id, "test", ["screening:read"]);
});

beforeEach(() => {
  useTestLimits();
  fetched.length = 0;
  hookCalls.length = 0;
  listsTransport.onVersionCurrent = async (_env, v) => {
    hookCalls.push(v);
  };
});

const versionsOf = async (id: ListId) => {
  const res = await admin("GET", `/lists/${id}/versions`);
  expect(res.status).toBe(200);
  return res.json<{ object: "list"; list: ListId; data: Record<string, any>[] }>();
};

/** Every change of a version, through the seam's pages of `limit`. */
async function allChanges(list: ListId, sha: string, limit: number): Promise<{ pages: number; changes: VersionChange[] }> {
  const changes: VersionChange[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await versionChanges(env.DB, list, sha, cursor, limit);
    changes.push(...page.data);
    cursor = page.next_cursor;
    pages++;
  } while (cursor);
  return { pages, changes };
}

const search = (body: unknown) => call("POST", SEARCH, { key, body });

describe("a new version knows its added, modified and removed entities", () => {
  it("first load: every entity added, no previous version; the hook told once", async () => {
    serveLists(officialUrls("un_sc", { primary: V1 }));
    await refreshNow("un_sc");
    const v1 = await sha256(V1);
    const listing = await versionsOf("un_sc");
    expect(listing.object).toBe("list");
    expect(listing.list).toBe("un_sc");
    expect(listing.data).toHaveLength(1);
    expect(listing.data[0]).toMatchObject({ sha256: v1, current: true, superseded_at: null, published_at: "2026-02-27T00:00:09.554Z", entities: 1003, previous_sha256: null, added: 1003, modified: 0, removed: 0 });
    expect(Object.keys(listing.data[0])).toEqual([
      "sha256",
      "fetched_at",
      "published_at",
      "became_current_at",
      "superseded_at",
      "current",
      "entities",
      "names",
      "previous_sha256",
      "added",
      "modified",
      "removed",
    ]);
    expect(hookCalls).toEqual([{ list: "un_sc", sha256: v1, previous_sha256: null }]);
    // The first version's delta is its members, every one added, a page at a time.
    const { pages, changes } = await allChanges("un_sc", v1, 1000);
    expect(pages).toBe(2);
    expect(changes).toHaveLength(1003);
    expect(new Set(changes.map((c) => c.change))).toEqual(new Set(["added"]));
    expect(changes.find((c) => c.entity_id === MODIFIED)!.entity!.name).toBe("ERIC BADEGE");
  });

  it("v2: one added, one modified, one removed — counted on the version, each listed with its record; unchanged records stored once", async () => {
    const [v1, v2] = [await sha256(V1), await sha256(V2)];
    const before = await storedRecords("un_sc");
    serveLists(officialUrls("un_sc", { primary: V2 }));
    await refreshNow("un_sc");
    expect((await listViewOf(env, "un_sc")).version).toMatchObject({ sha256: v2, entities: 1003 });

    const [now, was] = (await versionsOf("un_sc")).data;
    expect(now).toMatchObject({ sha256: v2, current: true, previous_sha256: v1, entities: 1003, added: 1, modified: 1, removed: 1, superseded_at: null });
    expect(was).toMatchObject({ sha256: v1, current: false, superseded_at: now.became_current_at, added: 1003 });
    expect(hookCalls).toEqual([{ list: "un_sc", sha256: v2, previous_sha256: v1 }]);

    const { pages, changes } = await allChanges("un_sc", v2, 2);
    expect(pages).toBe(2);
    expect(changes.map((c) => [c.change, c.entity_id])).toEqual([
      ["modified", MODIFIED],
      ["removed", REMOVED],
      ["added", ADDED],
    ]);
    const [modified, removed, added] = changes;
    expect(modified.entity!.name).toBe("ERICO BADEGE");
    expect(modified.previous_record_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(modified.previous_record_hash).not.toBe(modified.record_hash);
    // The removed entity comes with the record it had; the added one with its own.
    expect(removed).toMatchObject({ previous_record_hash: null, entity: { entity_id: REMOVED, name: "FRANK KAKOLELE BWAMBALE" } });
    expect(added.entity).toMatchObject({ entity_id: ADDED, name: expect.stringContaining("ZEFERINO QUARTZOLINO") });

    // Content-addressed: v2 stored only its two new records (and their names); both versions read whole.
    const after = await storedRecords("un_sc");
    expect(after.records).toBe(before.records + 2);
    const rows = await rowCounts("un_sc");
    expect(rows[v1].entities).toBe(1003);
    expect(rows[v2].entities).toBe(1003);
  });

  it("the same bytes again: no new version, nobody told", async () => {
    const listing = await versionsOf("un_sc");
    serveLists(officialUrls("un_sc", { primary: V2 }));
    await refreshNow("un_sc");
    expect(await versionsOf("un_sc")).toEqual(listing);
    expect(hookCalls).toEqual([]);
  });

  it("the same entities in another order (other bytes): no delta, no new version, nobody told; that file again ends after its download", async () => {
    const v2 = await sha256(V2);
    const listing = await versionsOf("un_sc");
    const records = await storedRecords("un_sc");
    serveLists(officialUrls("un_sc", { primary: V2_REORDERED }));
    expect(await sha256(V2_REORDERED)).not.toBe(v2);
    await refreshNow("un_sc");
    const view = await listViewOf(env, "un_sc");
    expect(view).toMatchObject({ status: "ready", last_error: null, loading_since: null, version: { sha256: v2 } });
    expect(await versionsOf("un_sc")).toEqual(listing);
    expect(hookCalls).toEqual([]);
    // What it staged to compare is gone again; no record was new.
    expect(Object.keys(await rowCounts("un_sc")).sort()).toEqual(listing.data.map((v) => v.sha256).sort());
    expect(await storedRecords("un_sc")).toEqual(records);

    // The same reordered file again: known, so the refresh ends after the download (then the staged file's cleanup).
    fetched.length = 0;
    await ingestStub("un_sc").refresh("un_sc", new Date().toISOString());
    const steps = await driveToIdle("un_sc");
    expect(steps).toBeLessThanOrEqual(2);
    expect(fetched).toEqual([UN_URL]);
    expect(await versionsOf("un_sc")).toEqual(listing);
  });

  it("a version kept becomes current again as it was (v1 → v2 → v1): no staging, its delta against v2, the hook told", async () => {
    const [v1, v2] = [await sha256(V1), await sha256(V2)];
    const rowsBefore = (await rowCounts("un_sc"))[v1];
    serveLists(officialUrls("un_sc", { primary: V1 }));
    await refreshNow("un_sc");
    expect((await listViewOf(env, "un_sc")).version!.sha256).toBe(v1);
    const [now, was] = (await versionsOf("un_sc")).data;
    expect(now).toMatchObject({ sha256: v1, current: true, previous_sha256: v2, added: 1, modified: 1, removed: 1 });
    expect(was).toMatchObject({ sha256: v2, current: false, superseded_at: now.became_current_at });
    expect((await rowCounts("un_sc"))[v1]).toEqual(rowsBefore);
    const { changes } = await allChanges("un_sc", v1, 10);
    expect(changes.map((c) => [c.change, c.entity_id])).toEqual([
      ["modified", MODIFIED],
      ["added", REMOVED],
      ["removed", ADDED],
    ]);
    expect(hookCalls).toEqual([{ list: "un_sc", sha256: v1, previous_sha256: v2 }]);
  });

  it("a hook that throws never fails the refresh: the version serves, last_error stays empty", async () => {
    listsTransport.onVersionCurrent = async () => {
      throw new Error("monitoring unavailable");
    };
    serveLists(officialUrls("un_sc", { primary: V2 }));
    await refreshNow("un_sc");
    expect(await listViewOf(env, "un_sc")).toMatchObject({ status: "ready", last_error: null, loading_since: null, version: { sha256: await sha256(V2) } });
  });
});

describe("un_sc polled with a conditional GET (contract §17 Timeliness)", () => {
  /** A UN server honouring If-None-Match: `state.body` with `state.etag`; every request's conditional headers recorded. */
  function conditionalServer(state: { body: Uint8Array; etag: string }) {
    const requests: { ifNoneMatch: string | null; ifModifiedSince: string | null }[] = [];
    listsTransport.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input as RequestInfo, init as RequestInit);
      expect(req.url).toBe(UN_URL);
      fetched.push(req.url);
      requests.push({ ifNoneMatch: req.headers.get("if-none-match"), ifModifiedSince: req.headers.get("if-modified-since") });
      const headers = { etag: state.etag, "last-modified": "Tue, 01 Dec 2026 10:00:00 GMT" };
      if (req.headers.get("if-none-match") === state.etag) return new Response(null, { status: 304, headers });
      return new Response(state.body, { status: 200, headers });
    }) as typeof fetch;
    return requests;
  }

  it("304 ends the refresh: nothing downloaded or staged, no new version; a changed file (new ETag) is a new version", async () => {
    const state = { body: V2, etag: '"un-v2"' };
    const requests = conditionalServer(state);
    await refreshNow("un_sc"); // the serving version's bytes again: validators remembered
    const listing = await versionsOf("un_sc");
    expect(requests.at(-1)).toEqual({ ifNoneMatch: null, ifModifiedSince: null });

    await ingestStub("un_sc").refresh("un_sc", new Date().toISOString());
    expect(await step("un_sc")).toBe(true); // the download: answered 304
    expect((await ingestStub("un_sc").progress()).job).toBeNull();
    expect(requests.at(-1)).toEqual({ ifNoneMatch: '"un-v2"', ifModifiedSince: "Tue, 01 Dec 2026 10:00:00 GMT" });
    expect((await env.REPORTS.list({ prefix: "lists/un_sc/" })).objects).toEqual([]);
    await driveToIdle("un_sc");
    expect(await listViewOf(env, "un_sc")).toMatchObject({ status: "ready", last_error: null, loading_since: null, version: { sha256: await sha256(V2) } });
    expect(await versionsOf("un_sc")).toEqual(listing);
    expect(hookCalls).toEqual([]);

    // The publisher changes the file: 200 with a new ETag, a new version.
    Object.assign(state, { body: V1, etag: '"un-v1b"' });
    await refreshNow("un_sc");
    expect(requests.at(-1)!.ifNoneMatch).toBe('"un-v2"');
    expect((await listViewOf(env, "un_sc")).version!.sha256).toBe(await sha256(V1));
    expect(hookCalls).toHaveLength(1);
  });

  it("a refused file's validators are never used: the next GET asks about the serving version's", async () => {
    const state = { body: V1, etag: '"un-v1b"' };
    const requests = conditionalServer(state);
    Object.assign(state, { body: bytes(`<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST dateGenerated="2026-03-01T00:00:00.000Z"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>`), etag: '"empty"' });
    await refreshNow("un_sc");
    expect((await listViewOf(env, "un_sc")).last_error!.message).toBe("o arquivo não trouxe nenhuma entidade; a versão anterior continua valendo");
    await refreshNow("un_sc");
    expect(requests.map((r) => r.ifNoneMatch)).toEqual(['"un-v1b"', '"un-v1b"']);
    // 200 again (the empty file): refused again, never a 304 taken for it.
    expect((await listViewOf(env, "un_sc")).last_error).not.toBeNull();
    Object.assign(state, { body: V1, etag: '"un-v1b"' });
    await refreshNow("un_sc");
    expect(await listViewOf(env, "un_sc")).toMatchObject({ last_error: null, version: { sha256: await sha256(V1) } });
  });
});

describe("searches pinned to a version (replays)", () => {
  it("a pinned version answers what it listed then; the serving one what it lists now", async () => {
    const [v1, v2] = [await sha256(V1), await sha256(V2)];
    expect((await listViewOf(env, "un_sc")).version!.sha256).toBe(v1);
    const pinned = await search({ name: "Zeferino Quartzolino", lists: ["un_sc"], versions: { un_sc: v2 } });
    expect(pinned.status).toBe(200);
    const body = await pinned.json<any>();
    expect(body.lists).toEqual([{ id: "un_sc", sha256: v2, fetched_at: (await versionsOf("un_sc")).data.find((v) => v.sha256 === v2)!.fetched_at }]);
    expect(body.matches.map((m: { entity_id: string }) => m.entity_id)).toContain(ADDED);
    const current = await (await search({ name: "Zeferino Quartzolino", lists: ["un_sc"] })).json<any>();
    expect(current.lists[0].sha256).toBe(v1);
    expect(current.matches.map((m: { entity_id: string }) => m.entity_id)).not.toContain(ADDED);
    // Upper-case hex is the same version.
    const upper = await (await search({ name: "Zeferino Quartzolino", versions: { un_sc: v2.toUpperCase() }, lists: ["un_sc"] })).json<any>();
    expect(upper.lists[0].sha256).toBe(v2);
  });

  it("a version no longer kept (or never known) → 409 list_version_gone naming it", async () => {
    const e = await expectError(await search({ name: "Eric Badege", versions: { un_sc: "f".repeat(64) } }), {
      status: 409,
      code: "list_version_gone",
      type: "invalid_request_error",
      param: "versions.un_sc",
    });
    expect(e.message).toBe(
      "A versão ffffffffffff… da lista un_sc não está guardada: versões são mantidas por 90 dias depois de deixarem de valer (e sempre as 30 mais recentes).",
    );
  });

  it("bad pins → 400 invalid_screening_query with the field", async () => {
    for (const [body, param] of [
      [{ name: "x", versions: { un_sc: "abc" } }, "versions.un_sc"],
      [{ name: "x", versions: { nope: "a".repeat(64) } }, "versions.nope"],
      [{ name: "x", versions: ["a".repeat(64)] }, "versions"],
      [{ name: "x", lists: ["ofac_sdn"], versions: { un_sc: "a".repeat(64) } }, "versions.un_sc"],
    ] as const) {
      await expectError(await search(body), { status: 400, code: "invalid_screening_query", param });
    }
  });

  it("a pinned list is searched even while it has no serving version", async () => {
    const v2 = await sha256(V2);
    const restore = await unseedList("un_sc", "loading");
    try {
      await expectError(await search({ name: "Zeferino Quartzolino", lists: ["un_sc"] }), { status: 503, code: "list_not_ready", type: "api_error", param: "un_sc" });
      const res = await search({ name: "Zeferino Quartzolino", lists: ["un_sc"], versions: { un_sc: v2 } });
      expect(res.status).toBe(200);
      expect((await res.json<any>()).matches[0].entity_id).toBe(ADDED);
    } finally {
      await restore();
    }
  });
});

describe("records stored once", () => {
  it("a record whose names were derived under an older index text gets them derived again when a version lists it", async () => {
    const id: ListId = "cgu_cnep";
    const entity = listed({ list: id, entity_id: "n1", name: "Mohamed Abd al-Aziz" });
    await seedList(id, [entity]);
    const canonical = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM screening_record_names_fts WHERE screening_record_names_fts MATCH '\"muhammad abdulaziz\"'").first<{ n: number }>())!.n;
    expect(await canonical()).toBe(1);
    // As carried over from the per-version tables: names of unknown index text (0), here the normalised name alone.
    await env.DB.prepare("UPDATE screening_records SET names_version = 0 WHERE list_id = ?").bind(id).run();
    await env.DB.prepare("UPDATE screening_record_names SET norm = 'mohamed abd al aziz' WHERE list_id = ?").bind(id).run();
    expect(await canonical()).toBe(0);
    // A new version listing the same record, unchanged: stored once still, its names derived again.
    await seedList(id, [entity]);
    expect(await storedRecords(id)).toEqual({ records: 1, names: 1, documents: 0 });
    expect(await canonical()).toBe(1);
    const row = await env.DB.prepare("SELECT names_version FROM screening_records WHERE list_id = ?").bind(id).first<{ names_version: number }>();
    expect(row!.names_version).toBe(INDEX_TEXT_VERSION);
  });
});

describe("versions kept (contract §17: the last 30, and all of the last 90 days)", () => {
  const WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu".split(" ");
  /** A distinct, FTS-findable word per version: "alpha", …, "zulu", "alphaa", … */
  const word = (i: number) => WORDS[i % WORDS.length] + "a".repeat(Math.floor(i / WORDS.length));
  const DAY = 86_400_000;
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();

  it("older versions are deleted with the records no kept version lists, in bounded steps; the last 30 and those that served in the last 90 days stay", async () => {
    const id: ListId = "uk_fcdo";
    // 35 versions: an entity listed unchanged in all, one renamed in each, one listed in one version only.
    const seeded: string[] = [];
    for (let i = 0; i < 35; i++) {
      const v = await seedList(id, [
        listed({ list: id, entity_id: "K", name: "Konstantin Steady" }),
        listed({ list: id, entity_id: "V", name: `Vladimir Renamed ${word(i)}` }),
        listed({ list: id, entity_id: `O${i}`, name: `Orphan ${word(i)} Once`, documents: [{ kind: "passport", value: `P${i}` }] }),
      ]);
      seeded.push(v.sha256);
    }
    // Their lives: v0–v4 became current long ago; v0–v3 stopped serving more than 90 days ago, v4 only 80 days ago
    // (v5 replaced it). The last 30 to become current are v5–v34: v4 stays for its 90 days, v0–v3 go.
    const became = (i: number) => (i <= 4 ? at(300 - i) : at(80 - (i - 5)));
    for (let i = 0; i < 35; i++) {
      await env.DB.prepare("UPDATE screening_versions SET became_current_at = ?3, superseded_at = ?4 WHERE list_id = ?1 AND sha256 = ?2")
        .bind(id, seeded[i], became(i), i === 34 ? null : became(i + 1))
        .run();
    }
    // The retention runs after every refresh, even one that fails (here the file is missing: 404); a few rows a step.
    serveLists(officialUrls(id, {}));
    useTestLimits({ deleteRows: 1, stepBudgetMs: -1 });
    await ingestStub(id).refresh(id, new Date().toISOString());
    const steps = await driveToIdle(id);
    expect((await listViewOf(env, id)).last_error!.message).toMatch(/^HTTP 404 ao baixar /);
    // Four versions of three members and three changes each, one row a statement, one statement a step at most.
    expect(steps).toBeGreaterThan(4 * 6);

    const kept = (await keptVersions(env.DB, id)).map((v) => v.sha256);
    expect(kept).toEqual(seeded.slice(4).reverse());
    expect(Object.keys(await rowCounts(id)).sort()).toEqual([...kept].sort());
    // K is one record whatever the versions; the V and O records of v0–v3 went with them, their names and documents too.
    const count = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;
    expect(await count("SELECT count(*) AS n FROM screening_records WHERE list_id = ? AND entity_id = 'K'", id)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM screening_records WHERE list_id = ? AND entity_id = 'V'", id)).toBe(31);
    expect(await count("SELECT count(*) AS n FROM screening_records WHERE list_id = ? AND entity_id LIKE 'O%'", id)).toBe(31);
    for (let i = 0; i < 35; i++) {
      const gone = i < 4;
      expect(await count("SELECT count(*) AS n FROM screening_record_names WHERE name = ?", `Orphan ${word(i)} Once`), `O${i}`).toBe(gone ? 0 : 1);
      expect(await count("SELECT count(*) AS n FROM screening_record_documents WHERE value = ?", `P${i}`)).toBe(gone ? 0 : 1);
      expect(await count("SELECT count(*) AS n FROM screening_record_names_fts WHERE screening_record_names_fts MATCH ?", `"orphan ${word(i)} once"`)).toBe(gone ? 0 : 1);
    }
    const listing = await versionsOf(id);
    expect(listing.data.map((v) => v.sha256)).toEqual(kept);

    // A replay of a deleted version is refused; one of a version kept answers as then.
    await expectError(await search({ name: `Orphan ${word(2)} Once`, lists: [id], versions: { [id]: seeded[2] } }), { status: 409, code: "list_version_gone", type: "invalid_request_error", param: `versions.${id}` });
    const replay = await (await search({ name: `Orphan ${word(4)} Once`, lists: [id], versions: { [id]: seeded[4] } })).json<any>();
    expect(replay.matches.map((m: { entity_id: string }) => m.entity_id)).toEqual(["O4"]);
  });
});
