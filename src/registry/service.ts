// The company registry's state (contract §18): builds in D1, the month that
// serves, the switch, the admin views, and lookups. The join itself runs
// off-Worker (scripts/registry-build.ts); this side starts builds, checks what a
// build delivered to R2, makes it serve all at once when it is complete and
// plausible, and reads it.
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { createDb, type Db } from "../db/client";
import { monitoringOutbox, registryBuilds } from "../db/schema";
import { DomainError } from "../domain/errors";
import {
  DEFAULT_MAX_DROP,
  implausibility,
  isRegistryMonth,
  parseControlRows,
  type ControlRow,
  type MonthCounts,
} from "../domain/registry";
import { newId } from "../lib/ids";
import { sendOutbox, type OutboxMessage } from "../monitoring/messages";
import { registryMonthMessage } from "../monitoring/registry";
import { parseBaseUrl } from "../sources/live/config";
import { blockKey, FAILED_KEY, MANIFEST_KEY, type BuildIndex, type BuildManifest } from "./build";
import { readCompany, type ServingBuild } from "./reader";
import type { CompanyRecord } from "./record";
import { establishmentOf } from "../domain/registry";
import { companyView, type CompanyView } from "./view";

export type BuildRow = typeof registryBuilds.$inferSelect;

/** The official share's WebDAV root (reference §1): `<root>/<YYYY-MM>/<file>.zip`. */
export const OFFICIAL_REGISTRY_URL = "https://arquivos.receitafederal.gov.br/public.php/webdav";

/** A build not delivered in this long is given up (a real month builds in about an hour on a 2-core runner). */
export const BUILD_TIMEOUT_MS = 6 * 3600_000;

export interface RegistryConfig {
  /** Root of the monthly folders (REGISTRY_URL; https, http only on loopback). */
  url: string;
  controls: ControlRow[];
  maxDrop: number;
  /** Where a refresh asks for a build (REGISTRY_BUILDER_URL): a runner's or a Container's endpoint; null = a scheduled runner delivers. */
  builderUrl: string | null;
  builderToken: string | null;
}

const str = (env: Env, name: string): string | undefined => {
  const v = (env as unknown as Record<string, unknown>)[name];
  return typeof v === "string" ? v : undefined;
};

/** The registry's configuration; a malformed variable is a configuration error (thrown: it must not pass silently). */
export function registryConfig(env: Env): RegistryConfig {
  const url = parseBaseUrl(str(env, "REGISTRY_URL")?.trim() || OFFICIAL_REGISTRY_URL);
  if (!url.ok) throw new Error(`REGISTRY_URL: ${url.problem}`);
  const controls = parseControlRows(str(env, "REGISTRY_CONTROL_ROWS"));
  if (!controls) throw new Error("REGISTRY_CONTROL_ROWS: use RAIZ=PREFIXO;RAIZ=PREFIXO (raiz de 8 caracteres)");
  const dropRaw = str(env, "REGISTRY_MAX_DROP")?.trim();
  const maxDrop = dropRaw ? Number(dropRaw) : DEFAULT_MAX_DROP;
  if (!(maxDrop >= 0 && maxDrop < 1)) throw new Error("REGISTRY_MAX_DROP: a fraction in [0, 1)");
  const builderRaw = str(env, "REGISTRY_BUILDER_URL")?.trim();
  let builderUrl: string | null = null;
  if (builderRaw) {
    const b = parseBaseUrl(builderRaw);
    if (!b.ok) throw new Error(`REGISTRY_BUILDER_URL: ${b.problem}`);
    builderUrl = b.url;
  }
  return { url: url.url, controls, maxDrop, builderUrl, builderToken: str(env, "REGISTRY_BUILDER_TOKEN")?.trim() || null };
}

export const buildPrefix = (month: string, id: string) => `cnpj/${month}/${id}/`;

const servingOf = (row: BuildRow): ServingBuild => ({
  id: row.id,
  month: row.month,
  extractionDate: row.extractionDate ?? "",
  prefix: row.prefix,
});

// ── Builds ───────────────────────────────────────────────────────────────────

/** The build that serves: the ready one published last. */
export async function servingBuildRow(db: Db): Promise<BuildRow | undefined> {
  return db
    .select()
    .from(registryBuilds)
    .where(and(eq(registryBuilds.status, "ready"), isNotNull(registryBuilds.publishedAt)))
    .orderBy(desc(registryBuilds.publishedAt))
    .limit(1)
    .get();
}

const latestBuild = (db: Db) => db.select().from(registryBuilds).orderBy(desc(registryBuilds.startedAt), desc(registryBuilds.id)).limit(1).get();

export const getBuild = (db: Db, id: string) => db.select().from(registryBuilds).where(eq(registryBuilds.id, id)).get();

/** Starts a build of `month`, or returns the one already building it (a second refresh starts nothing). */
export async function startBuild(db: Db, month: string, source: string, now: Date): Promise<{ row: BuildRow; created: boolean }> {
  if (!isRegistryMonth(month)) throw new DomainError("invalid_request", "month deve ser AAAA-MM, de 2021-03 em diante.", "month");
  const running = await db
    .select()
    .from(registryBuilds)
    .where(and(eq(registryBuilds.month, month), eq(registryBuilds.status, "building")))
    .get();
  if (running) return { row: running, created: false };
  const id = newId("bld", now.getTime());
  const row = { id, month, status: "building" as const, source, prefix: buildPrefix(month, id), startedAt: now.toISOString() };
  await db.insert(registryBuilds).values(row);
  return { row: (await getBuild(db, id)) as BuildRow, created: true };
}

/** Ends a build in error (the month serving, if any, keeps serving). Only a build still building changes. */
export async function failBuild(db: Db, id: string, message: string, now: Date): Promise<void> {
  await db
    .update(registryBuilds)
    .set({ status: "error", lastError: message.slice(0, 1000), finishedAt: now.toISOString() })
    .where(and(eq(registryBuilds.id, id), eq(registryBuilds.status, "building")));
}

async function readManifest(bucket: R2Bucket, row: BuildRow): Promise<BuildManifest | null> {
  const obj = await bucket.get(`${row.prefix}${MANIFEST_KEY}`);
  return obj ? ((await obj.json()) as BuildManifest) : null;
}

/** Every block the manifest names is in R2 (a delivery cut short leaves some out). */
async function missingBlocks(bucket: R2Bucket, row: BuildRow, blocks: number): Promise<number> {
  const present = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: `${row.prefix}blocks/`, cursor });
    for (const o of page.objects) present.add(o.key);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  let missing = 0;
  for (let i = 0; i < blocks; i++) if (!present.has(`${row.prefix}${blockKey(i)}`)) missing++;
  return missing;
}

export type PublishOutcome = { status: "ready"; manifest: BuildManifest; compare: OutboxMessage | null } | { status: "error"; message: string } | { status: "pending" };

/**
 * Checks a build's delivery and, when it is complete and plausible, makes it
 * the month that serves (one conditional UPDATE). Complete: its manifest is in
 * R2, names this build and month, and every block it lists is there.
 * Plausible (domain/registry implausibility): no count fell more than the
 * allowed drop against the month serving, and the control rows are there under
 * their names — read through the same reader lookups use, so a build whose
 * index or blocks cannot be read never serves. No manifest yet → pending.
 */
export async function publishBuild(
  db: Db,
  bucket: R2Bucket,
  id: string,
  cfg: Pick<RegistryConfig, "controls" | "maxDrop">,
  now: Date,
): Promise<PublishOutcome> {
  const row = await getBuild(db, id);
  if (!row || row.status !== "building") return { status: "error", message: `Build ${id} não está em construção.` };
  const fail = async (message: string): Promise<PublishOutcome> => {
    await failBuild(db, id, message, now);
    return { status: "error", message };
  };
  const manifest = await readManifest(bucket, row);
  if (!manifest) {
    const failed = await bucket.get(`${row.prefix}${FAILED_KEY}`);
    if (!failed) return { status: "pending" };
    const { message } = (await failed.json().catch(() => ({}))) as { message?: unknown };
    return fail(typeof message === "string" && message ? message : "O construtor falhou sem dizer por quê.");
  }
  if (manifest.build_id !== row.id || manifest.month !== row.month || manifest.format !== 1) {
    return fail(`O manifesto entregue não é deste build (${manifest.build_id}, ${manifest.month}).`);
  }
  const missing = await missingBlocks(bucket, row, manifest.blocks);
  if (missing > 0) return fail(`Entrega incompleta: ${missing} de ${manifest.blocks} blocos ausentes no R2.`);

  const serving = await servingBuildRow(db);
  const previous: MonthCounts | null = serving
    ? { companies: serving.companies ?? 0, establishments: serving.establishments ?? 0, partners: serving.partners ?? 0 }
    : null;
  const candidate: ServingBuild = { id: row.id, month: row.month, extractionDate: manifest.extraction_date, prefix: row.prefix };
  const controls = [];
  for (const c of cfg.controls) {
    const found = await readCompany(bucket, candidate, c.cnpj_root);
    controls.push({ row: c, found: found?.record.company?.[0] ?? null });
  }
  const problem = implausibility(manifest.counts, previous, cfg.maxDrop, controls);
  if (problem) return fail(problem);

  // The switch and, when a month served before, the monitoring message that compares the two (contract §18,
  // "Monitoring") commit together: a month that serves is always compared, even if this isolate dies next.
  const compare = serving ? registryMonthMessage(row.id, serving.id) : null;
  const switching = db
    .update(registryBuilds)
    .set({
      status: "ready",
      publishedAt: now.toISOString(),
      finishedAt: now.toISOString(),
      extractionDate: manifest.extraction_date,
      companies: manifest.counts.companies,
      establishments: manifest.counts.establishments,
      partners: manifest.counts.partners,
      blocks: manifest.blocks,
      blockBytes: manifest.block_bytes,
      lastError: null,
    })
    .where(and(eq(registryBuilds.id, id), eq(registryBuilds.status, "building")))
    .returning({ id: registryBuilds.id });
  const [switched] = compare
    ? await db.batch([
        switching,
        // Written even if another check published this build first: the message is the same (its id too), and its handling is idempotent.
        db.insert(monitoringOutbox).values({ id: compare.id, body: JSON.stringify(compare.body), createdAt: now.toISOString() }).onConflictDoNothing(),
      ])
    : [await switching];
  if (switched.length === 0) return { status: "error", message: `Build ${id} mudou de estado durante a verificação.` };
  forgetServing();
  return { status: "ready", manifest, compare };
}

/**
 * The Cron Trigger's pass over builds in progress: publish those delivered,
 * record those whose builder wrote `failed.json`, give up those past
 * BUILD_TIMEOUT_MS (a builder that died without a word).
 */
export async function checkBuilds(env: Env, now: Date): Promise<{ id: string; outcome: PublishOutcome["status"] }[]> {
  const db = createDb(env.DB);
  const building = await db.select().from(registryBuilds).where(eq(registryBuilds.status, "building")).all();
  if (building.length === 0) return [];
  const cfg = registryConfig(env);
  const out: { id: string; outcome: PublishOutcome["status"] }[] = [];
  for (const b of building) {
    let outcome = await publishBuild(db, env.REGISTRY, b.id, cfg, now);
    // The comparison with the month it replaced, to the monitoring queue now (the outbox sweep sends it if this fails).
    if (outcome.status === "ready" && outcome.compare) await sendOutbox(env, db, [outcome.compare]);
    if (outcome.status === "pending" && now.getTime() - Date.parse(b.startedAt) > BUILD_TIMEOUT_MS) {
      await failBuild(db, b.id, `Nenhuma entrega do build em ${BUILD_TIMEOUT_MS / 3600_000} h.`, now);
      outcome = { status: "error", message: "timeout" };
    }
    out.push({ id: b.id, outcome: outcome.status });
  }
  return out;
}

/**
 * The request that asks a builder for a build. A GitHub Actions workflow
 * (REGISTRY_BUILDER_URL = its `…/actions/workflows/<file>/dispatches` API URL,
 * REGISTRY_BUILDER_TOKEN a token allowed to dispatch it) gets GitHub's shape,
 * `{ref, inputs}`; any other builder (a Container's endpoint, a runner's
 * webhook) the build itself.
 */
export function builderRequest(cfg: RegistryConfig, job: { build_id: string; month: string; source_url: string; prefix: string }): Request {
  const url = cfg.builderUrl as string;
  const github = new URL(url).hostname === "api.github.com";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (cfg.builderToken) headers.authorization = `Bearer ${cfg.builderToken}`;
  if (github) {
    headers.accept = "application/vnd.github+json";
    headers["user-agent"] = "kycert-edge";
  }
  return new Request(url, {
    method: "POST",
    redirect: "manual",
    headers,
    body: JSON.stringify(github ? { ref: "main", inputs: job } : job),
  });
}

/**
 * POST /admin/v1/registry/refresh: starts a build of `month` and asks the
 * builder for it (REGISTRY_BUILDER_URL, when configured). Without one, the
 * build waits for a runner started by hand (README, "Company registry").
 */
export async function requestRegistryRefresh(env: Env, month: string, now: Date, fetcher: typeof fetch = fetch): Promise<RegistryView> {
  const cfg = registryConfig(env);
  const db = createDb(env.DB);
  const { row, created } = await startBuild(db, month, cfg.url, now);
  if (created && cfg.builderUrl) {
    try {
      const res = await fetcher(builderRequest(cfg, { build_id: row.id, month, source_url: `${cfg.url}/${month}`, prefix: row.prefix }));
      if (!res.ok) await failBuild(db, row.id, `O construtor recusou o pedido (HTTP ${res.status}).`, now);
    } catch {
      await failBuild(db, row.id, "O construtor não pôde ser contatado.", now);
    }
  }
  return registryView(env);
}

/**
 * The daily Cron Trigger: asks for the current month once it has no build
 * ready or running (the release comes out early in the month, on no fixed
 * day; until it does, the build fails on the missing files and tries again
 * the next day). Only with a builder configured: nobody else would build it.
 */
export async function scheduledRegistryRefresh(env: Env, now: Date, fetcher: typeof fetch = fetch): Promise<string | null> {
  const cfg = registryConfig(env);
  if (!cfg.builderUrl) return null;
  const month = now.toISOString().slice(0, 7);
  const db = createDb(env.DB);
  const done = await db
    .select({ id: registryBuilds.id })
    .from(registryBuilds)
    .where(and(eq(registryBuilds.month, month), inArray(registryBuilds.status, ["ready", "building"])))
    .get();
  if (done) return null;
  await requestRegistryRefresh(env, month, now, fetcher);
  return month;
}

// ── Views ────────────────────────────────────────────────────────────────────

export interface RegistryView {
  status: "empty" | "building" | "ready" | "error";
  version: { month: string; extraction_date: string; companies: number; establishments: number; partners: number; built_at: string } | null;
  building_since: string | null;
  last_error: { at: string; month: string; message: string } | null;
}

/**
 * `status`: `building` while the newest build runs, `error` when the newest
 * build failed, else `ready` when a month serves, else `empty`. `version` is
 * always the month that serves (the previous month while a new one builds or
 * after one failed).
 */
export async function registryView(env: Env): Promise<RegistryView> {
  const db = createDb(env.DB);
  const [serving, latest] = await Promise.all([servingBuildRow(db), latestBuild(db)]);
  const status = latest?.status === "building" ? "building" : latest?.status === "error" ? "error" : serving ? "ready" : "empty";
  return {
    status,
    version: serving
      ? {
          month: serving.month,
          extraction_date: serving.extractionDate ?? "",
          companies: serving.companies ?? 0,
          establishments: serving.establishments ?? 0,
          partners: serving.partners ?? 0,
          built_at: serving.publishedAt ?? serving.finishedAt ?? serving.startedAt,
        }
      : null,
    building_since: latest?.status === "building" ? latest.startedAt : null,
    last_error:
      latest?.status === "error" && latest.lastError
        ? { at: latest.finishedAt ?? latest.startedAt, month: latest.month, message: latest.lastError }
        : null,
  };
}

// ── Lookups ──────────────────────────────────────────────────────────────────

/** The serving build, cached per isolate: a switch reaches every isolate within this long, each one seeing one whole month. */
const SERVING_TTL_MS = 30_000;
let servingCache: { at: number; build: ServingBuild } | null = null;

/** Drops the cached serving build (after a switch in this isolate). */
export function forgetServing(): void {
  servingCache = null;
}

export async function servingBuild(env: Env, nowMs: number): Promise<ServingBuild | null> {
  if (servingCache && nowMs - servingCache.at < SERVING_TTL_MS) return servingCache.build;
  const row = await servingBuildRow(createDb(env.DB));
  // No month is not cached: the first month to publish serves at once.
  servingCache = row ? { at: nowMs, build: servingOf(row) } : null;
  return servingCache?.build ?? null;
}

export interface CompanyLookup {
  build: ServingBuild;
  record: CompanyRecord;
  index: BuildIndex;
}

/**
 * The month's record of a CNPJ root. Throws registry_not_ready when no month
 * serves; null when the month does not have the root.
 */
export async function lookupCompany(env: Env, root: string, nowMs: number): Promise<CompanyLookup | null> {
  const build = await servingBuild(env, nowMs);
  if (!build) throw new DomainError("registry_not_ready");
  const found = await readCompany(env.REGISTRY, build, root);
  return found ? { build, ...found } : null;
}

/**
 * GET /api/v1/companies/{cnpj}: the establishment of a valid (normalised) CNPJ
 * in the month serving. A root the month lacks, or an establishment it lacks
 * (or whose check digits differ from the file's), → company_not_found.
 */
export async function companyByCnpj(env: Env, cnpj: string, nowMs: number): Promise<CompanyView> {
  const found = await lookupCompany(env, cnpj.slice(0, 8), nowMs);
  const est = found ? establishmentOf(found.record, cnpj.slice(8, 12)) : undefined;
  if (!found || !est || est[1] !== cnpj.slice(12)) throw new DomainError("company_not_found");
  return companyView(found.record, est, found.index, found.build);
}
