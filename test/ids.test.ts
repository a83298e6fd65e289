// Prefixed ids: the format clients see (`run_` + 26 Crockford base32 chars,
// time first), creation order within a millisecond, and derived ids that
// never change for the same inputs (a retried step finds its event again).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/lib/crypto";
import { derivedId, newId } from "../src/lib/ids";
import { createRun as serviceCreateRun, servicesFor } from "../src/runs/service";
import { call } from "./helpers/api";
import { tenantWithAuth } from "./helpers/faults";

const CROCKFORD_26 = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const T = Date.parse("2025-11-30T08:00:00.000Z");
const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

describe("newId", () => {
  it("is the prefix, then 10 chars of millisecond time and 16 more, all Crockford base32", () => {
    for (const prefix of ["run", "req", "key", "ten", "tpl", "evt", "whe", "usr"] as const) {
      const id = newId(prefix, T);
      expect(id.startsWith(`${prefix}_`)).toBe(true);
      expect(id.slice(prefix.length + 1)).toMatch(CROCKFORD_26);
    }
    // The time part is the 48-bit millisecond timestamp, as before.
    expect(newId("run", Date.parse("2100-01-01T00:00:00.000Z")).slice(4, 14)).toBe("03QCPC7P00");
    expect(newId("run").slice(4)).toMatch(CROCKFORD_26);
  });

  it("ids minted in the same millisecond sort in creation order, and later milliseconds after them", () => {
    const ms = Date.parse("2101-01-01T00:00:00.000Z");
    const ids = Array.from({ length: 200 }, () => newId("run", ms));
    expect(new Set(ids).size).toBe(200);
    expect(new Set(ids.map((id) => id.slice(4, 14))).size).toBe(1);
    expect([...ids].sort()).toEqual(ids);
    const next = newId("run", ms + 1);
    expect(next > ids[ids.length - 1]).toBe(true);
    expect(next.slice(4, 14)).not.toBe(ids[0].slice(4, 14));
  });

  it("runs created in the same millisecond are listed newest first", async () => {
    const { key, auth } = await tenantWithAuth(1000);
    const at = new Date();
    const s = { ...servicesFor(env, auth), now: () => at };
    const created: string[] = [];
    for (let i = 0; i < 8; i++) {
      const run = await serviceCreateRun(s, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" }, external_id: `ms-${i}` }, null);
      created.push(run.body.run_id);
    }
    const res = await call("GET", "/api/v1/bureau/runs?limit=20", { key });
    expect(res.status).toBe(200);
    const listed = (await res.json<{ data: { id: string; created_at: string }[] }>()).data;
    expect(new Set(listed.map((r) => r.created_at))).toEqual(new Set([at.toISOString()]));
    expect(listed.map((r) => r.id)).toEqual([...created].reverse());
  });
});

describe("derivedId", () => {
  it("is deterministic and keeps the ids already stored", async () => {
    const seed = Uint8Array.from({ length: 20 }, (_, i) => i * 13 + 7);
    expect(derivedId("evt", T, seed)).toBe("evt_01KB9WD7007M1EV8N2FW9P3GXA");
    expect(derivedId("evt", T, seed)).toBe(derivedId("evt", T, seed.slice()));
    expect(derivedId("evt", 0, new Uint8Array(16))).toBe("evt_00000000000000000000000000");
    expect(derivedId("evt", 2 ** 48 - 1, new Uint8Array(16).fill(255))).toBe("evt_7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
    // A run's webhook event id (src/webhooks/events.ts runEventId).
    const digest = await sha256Hex("webhook-event|run_01KB9WD700Z2Q9JV0XXK5Z5CYC|run.completed");
    expect(derivedId("evt", Date.parse("2026-11-30T08:00:00.000Z"), hexBytes(digest))).toBe("evt_01M8NQFJ00SZJ9K3S81R0YJZHB");
  });

  it("refuses a seed shorter than 16 bytes", () => {
    expect(() => derivedId("evt", T, new Uint8Array(15))).toThrow(RangeError);
  });
});
