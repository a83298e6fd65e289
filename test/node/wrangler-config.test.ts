// Production and per-branch previews must carry every binding and var the
// Worker uses: named environments and [previews] do not inherit them.
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";

interface Binding {
  binding: string;
  database_id?: string;
  preview_database_id?: string;
  bucket_name?: string;
}
interface Config {
  d1_databases: Binding[];
  kv_namespaces: Binding[];
  r2_buckets: Binding[];
  durable_objects: { bindings: { name: string; class_name: string }[] };
  vars: Record<string, unknown>;
  secrets?: { required?: string[] };
}
const base = unstable_readConfig({ config: "wrangler.toml" }) as unknown as Config;
const production = unstable_readConfig({ config: "wrangler.toml", env: "production" }) as unknown as Config;

/** Vars of the local configuration only: the console's one-time dev login must not exist in production or previews. */
const LOCAL_ONLY_VARS = ["CONSOLE_DEV_LOGIN", "LOCAL_WEBHOOK_LOOPBACK"];

const names = (c: Config) => ({
  d1: c.d1_databases.map((d) => d.binding).sort(),
  kv: c.kv_namespaces.map((k) => k.binding).sort(),
  r2: c.r2_buckets.map((r) => r.binding).sort(),
  durableObjects: c.durable_objects.bindings.map((b) => `${b.name}:${b.class_name}`).sort(),
  vars: Object.keys(c.vars)
    .filter((v) => !LOCAL_ONLY_VARS.includes(v))
    .sort(),
});

describe("wrangler.toml environments", () => {
  it("every configuration binds ENGINE to kycert-edge-engine, which wrangler.engine.toml deploys for each", () => {
    type Services = { services?: { binding: string; service: string; entrypoint?: string }[] };
    const previews = (base as unknown as { previews: Services }).previews;
    const base_ = base as unknown as Services;
    const binding = (service: string) => [{ binding: "ENGINE", service, entrypoint: "Engine" }];
    expect(base_.services).toEqual(binding("kycert-edge-engine"));
    expect((production as unknown as Services).services).toEqual(binding("kycert-edge-engine"));
    expect(previews.services).toEqual(binding("kycert-edge-engine-preview"));
    // The engine reads the screening lists: the same database as the API it serves, per environment.
    const previewsDb = (base as unknown as { previews: Config }).previews.d1_databases[0].database_id;
    for (const [env, name, api] of [
      [undefined, "kycert-edge-engine", base.d1_databases[0].database_id],
      ["production", "kycert-edge-engine", production.d1_databases[0].database_id],
      ["preview", "kycert-edge-engine-preview", previewsDb],
    ] as const) {
      const engine = unstable_readConfig({ config: "wrangler.engine.toml", env }) as unknown as Config & { name: string; main: string };
      expect([engine.name, engine.main.replace(/^.*\/src\//, "src/")]).toEqual([name, "src/engine.ts"]);
      expect(engine.d1_databases.map((d) => [d.binding, d.database_id])).toEqual([["DB", api]]);
    }
    // `wrangler dev` keys a local database by preview_database_id: equal, or the engine reads an empty one.
    const engineLocal = unstable_readConfig({ config: "wrangler.engine.toml" }) as unknown as Config;
    expect(engineLocal.d1_databases[0].preview_database_id).toBe(base.d1_databases[0].preview_database_id);
  });

  it("production declares the same bindings and vars as the default config", () => {
    expect(names(production)).toEqual(names(base));
    expect(production.secrets?.required?.sort()).toEqual(base.secrets?.required?.sort());
  });

  it("production and previews use their own D1/KV/R2, never the default ids", () => {
    const previews = (base as unknown as { previews: Record<string, any> }).previews;
    expect(previews).toBeDefined();
    expect(previews.d1_databases.map((d: { binding: string }) => d.binding)).toEqual(["DB"]);
    expect(previews.kv_namespaces.map((k: { binding: string }) => k.binding)).toEqual(["IDEMPOTENCY"]);
    expect(previews.r2_buckets.map((r: { binding: string }) => r.binding).sort()).toEqual(["REGISTRY", "REPORTS"]);
    expect(previews.durable_objects.bindings.map((b: { name: string; class_name: string }) => `${b.name}:${b.class_name}`).sort()).toEqual(
      names(base).durableObjects,
    );
    expect(Object.keys(previews.vars).sort()).toEqual(names(base).vars);
    const ids = [base.d1_databases[0].database_id, production.d1_databases[0].database_id, previews.d1_databases[0].database_id];
    expect(new Set(ids).size).toBe(3);
    // `d1 migrations apply DB --remote --preview` must reach the previews' database.
    expect(base.d1_databases[0].preview_database_id).toBe(previews.d1_databases[0].database_id);
    expect(previews.r2_buckets[0].bucket_name).not.toBe(production.r2_buckets[0].bucket_name);
  });

  it("the console's dev login var is set only in the local configuration, never in production or previews", () => {
    const previews = (base as unknown as { previews: { vars: Record<string, unknown> } }).previews;
    expect(base.vars.CONSOLE_DEV_LOGIN).toBe("1");
    for (const vars of [production.vars, previews.vars]) {
      expect(Object.keys(vars)).not.toContain("CONSOLE_DEV_LOGIN");
      // Access is what lets people in there: both deployments name a team and an application.
      expect(vars.ACCESS_TEAM_DOMAIN).toMatch(/^https:\/\/[a-z0-9-]+\.cloudflareaccess\.com$/);
      expect(vars.ACCESS_AUD).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(production.vars.ACCESS_AUD).not.toBe(previews.vars.ACCESS_AUD);
  });
});
