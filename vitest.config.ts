import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: "workers" runs inside workerd against the real bindings (D1,
// KV, R2, Durable Objects); "node" holds the few tests that need Node-only
// tooling (PDF text extraction, the fake provider server).
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              // src/index.ts with Durable Objects that carry the test transports (no network in tests).
              main: "./test/worker.ts",
              miniflare: {
                // kycert-edge-engine's entrypoint, served by the test Worker itself (test/worker.ts).
                serviceBindings: { ENGINE: { name: "kycert-edge", entrypoint: "Engine" } },
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: "test-admin-token",
                  SERVER_SECRET: "test-server-secret-0123456789abcdef",
                  SANDBOX_LATENCY_FACTOR: "0",
                  MAX_SOURCE_TIMEOUT_MS: "40",
                  SOURCE_RETRY_BASE_MS: "1",
                  // The deployed URL rules; test/webhook-loopback.test.ts turns local dev's loopback receivers on.
                  LOCAL_WEBHOOK_LOOPBACK: "0",
                  // A root of the registry fixture month (test/fixtures/registry): the synthetic months have no Banco do Brasil row.
                  REGISTRY_CONTROL_ROWS: "75462958=SECRETARIA MUNICIPAL",
                },
              },
            }),
          ],
          // List files as base64 data URLs (`import x from "…/ceis.zip?inline"`): ZIPs and ISO-8859-1 CSVs are bytes, not text.
          assetsInclude: ["**/fixtures/lists/**", "**/fixtures/registry/**/*.zip"],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts", "src/**/*.test.ts"],
            exclude: ["test/node/**"],
            setupFiles: ["./test/setup/apply-migrations.ts", "./test/setup/transports.ts"],
            // The slowest tests take ~1 s alone; on a loaded 2-core CI runner several files
            // share the cores, and vitest's 5 s default would fail them for being slow.
            testTimeout: 20_000,
          },
        },
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            testTimeout: 20_000,
          },
        },
      ],
    },
  };
});
