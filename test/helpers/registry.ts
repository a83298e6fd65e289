// The company registry in workerd tests: the fixture month of
// test/fixtures/registry/2026-08 (gen_cnpj_open_data.py 48 20 --alnum-share 0.1
// --hostile) built with the same code a runner runs (in-memory grouping: the
// month is small), written to the test's REGISTRY bucket and published through
// the service the Cron Trigger calls.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createDb } from "../../src/db/client";
import { BuildError, buildMonth, FAILED_KEY, MemoryGrouper, type ReleaseSource } from "../../src/registry/build";
import { publishBuild, registryConfig, startBuild, type PublishOutcome } from "../../src/registry/service";
import truth from "../fixtures/registry/2026-08/truth.json";
import { bytesOf } from "./lists";

const zips = import.meta.glob("../fixtures/registry/2026-08/*.zip", { query: "?inline", import: "default", eager: true }) as Record<string, string>;

/** The fixture month's 37 files by official name. */
export const FIXTURE_FILES: Record<string, Uint8Array> = Object.fromEntries(
  Object.entries(zips).map(([path, url]) => [path.slice(path.lastIndexOf("/") + 1), bytesOf(url)]),
);

type TruthJson = typeof truth;
type TruthCompany = TruthJson["companies"][number];
/** A company of truth.json, its arrays typed as the generator writes them (JSON inference narrows the empty ones). */
export type FixtureCompany = Omit<TruthCompany, "quirks" | "establishments"> & {
  quirks: string[];
  establishments: (Omit<TruthCompany["establishments"][number], "lossy_fields"> & { lossy_fields: string[] })[];
};
export const TRUTH = truth as unknown as Omit<TruthJson, "companies"> & { companies: FixtureCompany[] };

export function memorySource(files: Record<string, Uint8Array>): ReleaseSource {
  return {
    description: "test fixtures",
    size: async (name) => files[name]?.length ?? null,
    async open(name) {
      const b = files[name];
      return (async function* () {
        // Odd-sized chunks: rows, quoted fields and ZIP headers cross chunk boundaries.
        for (let i = 0; i < b.length; i += 997) yield b.subarray(i, i + 997);
      })();
    },
  };
}

/**
 * Builds `month` from `files` into the test's REGISTRY as a runner would (its
 * failure written as failed.json), then publishes it as the Cron Trigger would.
 */
export async function buildAndPublish(month: string, files: Record<string, Uint8Array> = FIXTURE_FILES): Promise<{ id: string; outcome: PublishOutcome }> {
  const db = createDb(env.DB);
  const { row } = await startBuild(db, month, "test fixtures", new Date());
  const sink = { put: async (key: string, body: Uint8Array) => void (await env.REGISTRY.put(`${row.prefix}${key}`, body)) };
  try {
    await buildMonth({ month, buildId: row.id, source: memorySource(files), grouper: new MemoryGrouper(), sink, blockBytes: 4096, now: () => new Date() });
  } catch (err) {
    expect(err).toBeInstanceOf(BuildError);
    await env.REGISTRY.put(`${row.prefix}${FAILED_KEY}`, JSON.stringify({ message: (err as Error).message }));
  }
  return { id: row.id, outcome: await publishBuild(db, env.REGISTRY, row.id, registryConfig(env), new Date()) };
}

export const companyOf = (pred: (c: FixtureCompany) => boolean): FixtureCompany => {
  const c = TRUTH.companies.find(pred);
  if (!c) throw new Error("no fixture company matches");
  return c;
};
