// Chooses the adapters of a run by environment: sandbox keys get simulated
// sources, live keys the real providers configured in the Worker's env.
import { runtimeConfig } from "../env";
import type { AdapterResolver } from "./adapter";
import { createLiveAdapterResolver } from "./live";
import { createSandboxAdapter } from "./sandbox";

export function resolveAdapters(env: Env, livemode: boolean): AdapterResolver {
  if (livemode) return createLiveAdapterResolver(env as unknown as Record<string, unknown>, fetch);
  const sandbox = createSandboxAdapter({ latencyFactor: runtimeConfig(env).sandboxLatencyFactor });
  return () => sandbox;
}
