// Screening-list ingestion in tests: the fixture files of test/fixtures/lists
// (copies of ../shared/lists, see its README) served at the official URLs
// through the injected lists transport, and the ListIngest alarms driven one
// step at a time. Never the network.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { expect } from "vitest";
import { LISTS, LIST_PARSERS, type ListFiles } from "../../src/screening/lists";
import type { IngestLimits } from "../../src/screening/ingest";
import type { ListEntity, ListId } from "../../src/screening/types";
import { listIngestStates, listsTransport } from "./transports";
import ceisZip from "../fixtures/lists/br/ceis.zip?inline";
import cnepZip from "../fixtures/lists/br/cnep.zip?inline";
import pepZip from "../fixtures/lists/br/pep.zip?inline";
import mteCsv from "../fixtures/lists/br/cadastro_empregadores.csv?inline";
import euXml from "../fixtures/lists/eu/fsf-1.1-sample.xml?inline";
import consAdd from "../fixtures/lists/ofac-cons/cons_add.csv?inline";
import consAlt from "../fixtures/lists/ofac-cons/cons_alt.csv?inline";
import consComments from "../fixtures/lists/ofac-cons/cons_comments.csv?inline";
import consPrim from "../fixtures/lists/ofac-cons/cons_prim.csv?inline";
import sdnAdd from "../fixtures/lists/ofac-sdn/add.csv?inline";
import sdnAlt from "../fixtures/lists/ofac-sdn/alt.csv?inline";
import sdnComments from "../fixtures/lists/ofac-sdn/sdn_comments.csv?inline";
import sdnCsv from "../fixtures/lists/ofac-sdn/sdn.csv?inline";
import ukXml from "../fixtures/lists/uk/uk-sanctions-list-sample.xml?inline";
import unXml from "../fixtures/lists/un/consolidated.xml?inline";

export const bytesOf = (dataUrl: string): Uint8Array => {
  const b64 = dataUrl.slice(dataUrl.indexOf(",") + 1);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};

/** Each list's fixture files by role (OFAC: primary/alt/add/comments; the others: primary). */
export const FIXTURES: Record<ListId, Partial<Record<"primary" | "alt" | "add" | "comments", Uint8Array>>> = {
  ofac_sdn: { primary: bytesOf(sdnCsv), alt: bytesOf(sdnAlt), add: bytesOf(sdnAdd), comments: bytesOf(sdnComments) },
  ofac_cons: { primary: bytesOf(consPrim), alt: bytesOf(consAlt), add: bytesOf(consAdd), comments: bytesOf(consComments) },
  un_sc: { primary: bytesOf(unXml) },
  eu_fsf: { primary: bytesOf(euXml) },
  uk_fcdo: { primary: bytesOf(ukXml) },
  cgu_ceis: { primary: bytesOf(ceisZip) },
  cgu_cnep: { primary: bytesOf(cnepZip) },
  cgu_pep: { primary: bytesOf(pepZip) },
  mte_empregadores: { primary: bytesOf(mteCsv) },
};

/** The CGU download pages' script, naming the newest file (lists.ts cguFileUrl). */
export const CGU_PAGE = `<script>arquivos.push({"ano":"2026","mes":"10","dia":"01"});arquivos.push({"ano":"2026","mes":"11","dia":"28"});</script>`;
const CGU_FILE: Partial<Record<ListId, string>> = {
  cgu_ceis: "https://dadosabertos-download.cgu.gov.br/PortalDaTransparencia/saida/ceis/20261128_CEIS.zip",
  cgu_cnep: "https://dadosabertos-download.cgu.gov.br/PortalDaTransparencia/saida/cnep/20261128_CNEP.zip",
  cgu_pep: "https://dadosabertos-download.cgu.gov.br/PortalDaTransparencia/saida/pep/202611_PEP.zip",
};

/** A response for one file: bytes (200), or a bare status. */
export type Served = Uint8Array | number;

/** Official URL → what the test serves there. `files` replaces a list's fixture files by role. */
export function officialUrls(id: ListId, files = FIXTURES[id]): Map<string, Served> {
  const meta = LISTS[id];
  const out = new Map<string, Served>();
  if (meta.files) {
    for (const f of meta.files) out.set(new URL(f.name, meta.url).toString(), files[f.role] ?? 404);
  } else if (meta.dated) {
    out.set(meta.url, new TextEncoder().encode(CGU_PAGE));
    out.set(CGU_FILE[id]!, files.primary ?? 404);
  } else {
    out.set(meta.url, files.primary ?? 404);
  }
  return out;
}

/** Every URL fetched through the lists transport, in order. */
export const fetched: string[] = [];

/**
 * Serves `routes` (URL → bytes or status) through the lists transport; anything
 * else is a 404. Chunked in small pieces, like a network body.
 */
export function serveLists(routes: Map<string, Served>): void {
  listsTransport.fetch = (async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    fetched.push(url);
    const body = routes.get(url) ?? 404;
    if (typeof body === "number") return new Response(`status ${body}`, { status: body });
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i >= body.length) return c.close();
        c.enqueue(body.slice(i, i + 16_384));
        i += 16_384;
      },
    });
    return new Response(stream, { status: 200 });
  }) as typeof fetch;
}

/** Small steps and an hour between them: nothing runs unless the test drives the alarm. */
export function useTestLimits(limits: Partial<IngestLimits> = {}): void {
  listsTransport.limits = { stepGapMs: 3_600_000, cleanupGraceMs: 0, retryDelayMs: 3_600_000, ...limits };
}

export const ingestStub = (id: ListId) => env.LIST_INGEST.get(env.LIST_INGEST.idFromName(id));

/** Kills the list's object the way its isolate dies mid-step (out of memory or CPU): whatever it was doing stops, the next alarm runs on a fresh instance. */
export function killIngest(id: ListId): void {
  const state = listIngestStates.get(env.LIST_INGEST.idFromName(id).toString());
  if (!state) throw new Error(`no ListIngest object built for ${id} yet`);
  state.abort("injected: the isolate died");
}

/** Runs one alarm step of the list's object; false when nothing was scheduled. */
export const step = (id: ListId) => runDurableObjectAlarm(ingestStub(id));

/** Drives the list's object until its refresh and its cleanup are done. */
export async function driveToIdle(id: ListId, maxSteps = 200): Promise<number> {
  for (let i = 0; i < maxSteps; i++) {
    const p = await ingestStub(id).progress();
    if (!p.job && !p.cleanup) return i;
    const ran = await step(id);
    expect(ran, `no alarm scheduled for ${id} with ${JSON.stringify(p)}`).toBe(true);
  }
  throw new Error(`${id}: not idle after ${maxSteps} steps`);
}

/** Starts a refresh through the object (as the cron does) and drives it to the end. */
export async function refreshNow(id: ListId): Promise<void> {
  await ingestStub(id).refresh(id, new Date().toISOString());
  await driveToIdle(id);
}

/** What the list's parser makes of the files: the expected entities (first one per entity_id). */
export async function parsedEntities(id: ListId, files = FIXTURES[id], asOf = new Date().toISOString().slice(0, 10)): Promise<ListEntity[]> {
  async function* one(b: Uint8Array) {
    yield b;
  }
  const input: ListFiles = { primary: one(files.primary!) };
  for (const role of ["alt", "add", "comments"] as const) if (files[role]) input[role] = one(files[role]!);
  const seen = new Set<string>();
  const out: ListEntity[] = [];
  for await (const e of LIST_PARSERS[id](input, { asOf })) {
    if (seen.has(e.entity_id)) continue;
    seen.add(e.entity_id);
    out.push(e);
  }
  return out;
}

/** A list's rows in D1 by version (every version with members, serving or not): its members, and its records' names and documents. */
export async function rowCounts(id: ListId): Promise<Record<string, { entities: number; names: number; documents: number }>> {
  const { results } = await env.DB.prepare(
    `SELECT m.sha256, count(*) AS entities,
            sum((SELECT count(*) FROM screening_record_names n WHERE n.record_hash = m.record_hash)) AS names,
            sum((SELECT count(*) FROM screening_record_documents d WHERE d.record_hash = m.record_hash)) AS documents
       FROM screening_version_members m WHERE m.list_id = ? GROUP BY m.sha256`,
  )
    .bind(id)
    .all<{ sha256: string; entities: number; names: number; documents: number }>();
  return Object.fromEntries(results.map((r) => [r.sha256, { entities: r.entities, names: r.names, documents: r.documents }]));
}

/** Rows stored for a list whatever the version: records, their names and documents (content-addressed, each once). */
export async function storedRecords(id: ListId): Promise<{ records: number; names: number; documents: number }> {
  const one = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE list_id = ?`).bind(id).first<{ n: number }>())!.n;
  return { records: await one("screening_records"), names: await one("screening_record_names"), documents: await one("screening_record_documents") };
}
