// Helpers for the monitoring suites: tenants with the monitoring scopes, the
// recorded queue messages handed to the real consumer one by one (no
// background delivery, no sleeping), and list versions switched in as the
// ingest does (seedList + onListVersionCurrent).
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { handleMonitoringMessage } from "../../src/monitoring/queue";
import { MONITORING_TRANSPORT, type MonitoringMessage } from "../../src/monitoring/messages";
import { onListVersionCurrent } from "../../src/monitoring/rescreen";
import type { ListEntity, ListId } from "../../src/screening/types";
import { cpfCheckDigits } from "../../src/domain/documents";
import { admin, call, createKey, createTenant } from "./api";
import { ALL_SCOPES } from "./cases";
import { seedList, type LoadedVersion } from "./screening-seed";
import { monitoringSent, monitoringTransport } from "./transports";

export const MONITORING_SCOPES = [...ALL_SCOPES, "monitoring:read", "monitoring:write"];

/** env as the test Worker's handlers see it: queue sends recorded in `monitoringSent`. */
export const monitoringEnv = (): Env => ({ ...env, [MONITORING_TRANSPORT]: monitoringTransport }) as Env;

let seq = 0;

/** A tenant with a key holding every case and monitoring scope, and an analyst and an approver (case actors). */
export async function monitoringTenant(environment: "test" | "live" = "test") {
  const tenant = await createTenant(1000);
  const n = `${Date.now().toString(36)}${(seq++).toString(36)}`;
  const users = { ana: `ana.${n}@cliente.com.br`, bruno: `bruno.${n}@cliente.com.br` };
  for (const [email, role] of [
    [users.ana, "analyst"],
    [users.bruno, "approver"],
  ] as const) {
    expect((await admin("POST", `/tenants/${tenant.id}/users`, { email, role })).status).toBe(201);
  }
  return { tenant, key: await createKey(tenant.id, environment, MONITORING_SCOPES), ...users };
}

/** Hands every recorded message (and the ones they cause) to the consumer, in order; returns them. */
export async function drainMonitoring(opts: { now?: Date; max?: number } = {}): Promise<MonitoringMessage[]> {
  const handled: MonitoringMessage[] = [];
  const max = opts.max ?? 10_000;
  while (monitoringSent.length > 0) {
    if (handled.length >= max) throw new Error(`monitoring queue not drained after ${max} messages`);
    const m = monitoringSent.shift()!;
    await handleMonitoringMessage(monitoringEnv(), m, opts.now);
    handled.push(m);
  }
  return handled;
}

/** Takes the recorded messages without handling them. */
export const takeSent = (): MonitoringMessage[] => monitoringSent.splice(0, monitoringSent.length);

/** A new version of `list` made current (written straight into D1), and the ingest's call that follows a switch. */
export async function publishVersion(list: ListId, entities: ListEntity[], previous: LoadedVersion | null, fetchedAt?: string): Promise<LoadedVersion> {
  const v = await seedList(list, entities, fetchedAt ?? new Date().toISOString());
  await onListVersionCurrent(monitoringEnv(), { list, sha256: v.sha256, previous_sha256: previous?.sha256 ?? null });
  return v;
}

export async function enrol(key: string, body: Record<string, unknown>) {
  return call("POST", "/api/v1/monitoring/subjects", { key, body });
}

export async function enrolOk(key: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await enrol(key, body);
  const text = await res.text();
  expect([200, 201], text).toContain(res.status);
  return JSON.parse(text);
}

export async function alertsOf(key: string, query = ""): Promise<Record<string, any>[]> {
  const res = await call("GET", `/api/v1/monitoring/alerts${query ? `?${query}` : ""}`, { key });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as { data: Record<string, any>[] }).data;
}

/** A valid CPF no other test uses (random base, real check digits). */
export function freshCpf(): string {
  const base = Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => b % 10).join("");
  return base + cpfCheckDigits(base);
}
