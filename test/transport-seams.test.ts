// Test seams are injected, not mutable module exports: the live-source and
// webhook transports travel with the env a Durable Object is built with, under
// a symbol no configuration can set. Production modules export no setter and no
// transport object a caller could swap; only the test Worker (test/worker.ts)
// builds its objects on an env that carries the test transports.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as resolve from "../src/sources/resolve";
import * as webhookTransportModule from "../src/webhooks/transport";
import { LIVE_TRANSPORT, liveTransportOf } from "../src/sources/resolve";
import { WEBHOOK_TIMEOUT_MS, WEBHOOK_TRANSPORT, webhookTransport } from "../src/webhooks/transport";
import { liveTransport, webhookOverrides } from "./helpers/transports";

describe("transport seams", () => {
  it("the transport modules export no mutable transport object and no setter", () => {
    for (const mod of [resolve, webhookTransportModule]) {
      for (const [name, value] of Object.entries(mod)) {
        expect(name, name).not.toMatch(/ForTests$|^set[A-Z]/);
        // Functions, symbols and numbers only: nothing whose fields a caller could reassign.
        expect(["function", "symbol", "number"], name).toContain(typeof value);
      }
    }
  });

  it("an env built from configuration gets the production transports", () => {
    // The pool's env is what wrangler.toml and the bindings build: string keys only.
    expect(liveTransportOf(env)).not.toBe(liveTransport);
    expect(liveTransportOf(env).extraConfig).toEqual({});
    expect(webhookTransport(env)).toMatchObject({ timeoutMs: WEBHOOK_TIMEOUT_MS, firstAttemptDelayMs: 0 });
    // A variable that happens to be named like the seam is just a string binding, not a transport.
    const lookalike = { ...env, "kycert.liveTransport": { fetch: () => Promise.reject(new Error("injected")), extraConfig: {} } } as unknown as Env;
    expect(liveTransportOf(lookalike)).toBe(liveTransportOf(env));
  });

  it("the test Worker's objects carry the test transports", async () => {
    const run = env.RUN.get(env.RUN.idFromName(`seam-${crypto.randomUUID()}`));
    await runInDurableObject(run, (instance: unknown) => {
      const e = (instance as { env: Record<symbol, unknown> }).env;
      expect(e[LIVE_TRANSPORT]).toBe(liveTransport);
      expect(e[WEBHOOK_TRANSPORT]).toBe(webhookOverrides);
    });
  });
});
