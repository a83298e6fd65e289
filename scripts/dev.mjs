#!/usr/bin/env node
// `npm run dev`: local API on the embedded default, ready for the README's curl flow.
//  1. .dev.vars with local secrets (ADMIN_TOKEN, SERVER_SECRET), created once;
//  2. local D1 migrations applied;
//  3. a dev tenant ("dev"), a sandbox key and the users the README's case walk-through
//     acts as (ana@empresa.com, analyst; bruno@empresa.com, approver), created once and reused;
//  4. prints the key, the admin token and a one-time console login link, then runs
//     `wrangler dev` on loopback.
// Running it again duplicates nothing. Options: PORT (default 8787), DEV_STATE_DIR
// (wrangler's --persist-to, default .wrangler/state), DEV_SETUP_ONLY=1 (skip step 4);
// further arguments go to `wrangler dev` (e.g. `npm run dev -- --var SANDBOX_LATENCY_FACTOR:0.1`).
import { execFileSync, spawn } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.PORT ?? "8787";
const stateDir = process.env.DEV_STATE_DIR ?? join(root, ".wrangler", "state");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const persist = ["--persist-to", stateDir];
// Children (wrangler, whose shebang asks for `node`) use the Node running this
// script — Node 22 from node_modules under `npm run` — not the machine's.
process.env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;

function readVars(file) {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).replace(/^"|"$/g, "")]),
  );
}

// 1. Local secrets.
const varsFile = join(root, ".dev.vars");
const vars = readVars(varsFile);
let changed = false;
for (const name of ["ADMIN_TOKEN", "SERVER_SECRET"]) {
  if (!vars[name]) {
    vars[name] = `${name === "ADMIN_TOKEN" ? "adm" : "srv"}_${randomBytes(24).toString("base64url")}`;
    changed = true;
  }
}
if (changed) {
  writeFileSync(
    varsFile,
    "# Local secrets for `wrangler dev`, written by scripts/dev.mjs. Not committed.\n" +
      Object.entries(vars)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n") +
      "\n",
  );
}

const run = (args, opts = {}) =>
  execFileSync(wrangler, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });

// 2. Migrations (local D1). CI=true keeps wrangler from asking for confirmation.
mkdirSync(stateDir, { recursive: true });
run(["d1", "migrations", "apply", "DB", "--local", ...persist], { env: { ...process.env, CI: "true" } });

// 3. Dev tenant and sandbox key (stable across runs; stored beside the local state).
const credsFile = join(stateDir, "dev-credentials.json");
const creds = existsSync(credsFile)
  ? JSON.parse(readFileSync(credsFile, "utf8"))
  : {
      tenant_id: "ten_dev",
      key_id: "key_dev_sandbox",
      api_key: `sk_test_${randomBytes(30).toString("base64url").replace(/[-_]/g, "").slice(0, 40).padEnd(40, "0")}`,
    };
writeFileSync(credsFile, JSON.stringify(creds, null, 2) + "\n");
// Same hash as src/lib/api-keys.ts: HMAC-SHA256(SERVER_SECRET, "api-key\0" + key).
const keyHash = createHmac("sha256", vars.SERVER_SECRET).update(`api-key\u0000${creds.api_key}`).digest("hex");
const now = new Date().toISOString();
const README_USERS = [
  { email: "ana@empresa.com", name: "Ana (analista)", role: "analyst" },
  { email: "bruno@empresa.com", name: "Bruno (aprovador)", role: "approver" },
];
const sql = [
  `INSERT OR IGNORE INTO tenants (id, name, slug, status, credits, created_at, updated_at) VALUES ('${creds.tenant_id}', 'Dev tenant', 'dev', 'active', 1000, '${now}', '${now}');`,
  // The hash depends on SERVER_SECRET: keep it current if .dev.vars was recreated.
  `INSERT INTO api_keys (id, tenant_id, name, environment, scopes, key_hash, key_prefix, created_at) VALUES ('${creds.key_id}', '${creds.tenant_id}', 'Dev sandbox key', 'test', '["runs:write","runs:read","detail:read","reports:write","screening:read","cases:read","cases:write","cases:approve","webhooks:write","registry:read","monitoring:read","monitoring:write"]', '${keyHash}', '${creds.api_key.slice(0, 12)}', '${now}') ON CONFLICT (id) DO UPDATE SET key_hash = excluded.key_hash, scopes = excluded.scopes, revoked_at = NULL;`,
  // Case actors must be users of the tenant (contract §15): the README's walk-through
  // proposes as the analyst and approves as the approver (four eyes).
  ...README_USERS.map(
    (u) =>
      `INSERT INTO users (id, tenant_id, email, name, role, created_at) VALUES ('usr_dev_${u.role}', '${creds.tenant_id}', '${u.email}', '${u.name}', '${u.role}', '${now}') ON CONFLICT DO NOTHING;`,
  ),
].join(" ");
run(["d1", "execute", "DB", "--local", ...persist, "--command", sql]);

// 3b. Console user of the dev tenant and a one-time login link (the path exists only in
// the local configuration: CONSOLE_DEV_LOGIN in wrangler.toml's top-level [vars]).
// DEV_USER_EMAIL / DEV_USER_ROLE choose the user (default dev@kycert.local, admin).
const userEmail = (process.env.DEV_USER_EMAIL ?? "dev@kycert.local").toLowerCase();
const userRole = process.env.DEV_USER_ROLE ?? "admin";
if (!/^[^\s@'"]+@[^\s@'"]+$/.test(userEmail) || !["analyst", "approver", "admin"].includes(userRole)) {
  throw new Error("DEV_USER_EMAIL must be an email and DEV_USER_ROLE one of analyst, approver, admin");
}
const loginToken = randomBytes(32).toString("base64url");
const loginHash = createHash("sha256").update(loginToken).digest("hex");
const userId = `usr_dev_${createHash("sha256").update(userEmail).digest("hex").slice(0, 20)}`;
const expires = new Date(Date.now() + 24 * 3600_000).toISOString();
run(["d1", "execute", "DB", "--local", ...persist, "--command", [
  `INSERT INTO users (id, tenant_id, email, name, role, created_at) VALUES ('${userId}', '${creds.tenant_id}', '${userEmail}', 'Dev', '${userRole}', '${now}') ON CONFLICT (email) DO UPDATE SET role = excluded.role;`,
  `INSERT INTO console_login_tokens (token_hash, user_id, expires_at, created_at) SELECT '${loginHash}', id, '${expires}', '${now}' FROM users WHERE email = '${userEmail}';`,
].join(" ")]);

const base = `http://127.0.0.1:${port}`;
console.log(`
kycert-edge local API
  URL            ${base}
  sandbox key    ${creds.api_key}
  admin token    ${vars.ADMIN_TOKEN}
  state          ${stateDir}
  console        ${base}/console/dev-login?token=${loginToken}
                 (one-time login link for ${userEmail}, ${userRole}; valid 24 h)
  case actors    ${README_USERS.map((u) => `${u.email} (${u.role})`).join(", ")}

Try it:
  curl -s -X POST ${base}/api/v1/bureau/runs -H "X-API-Key: ${creds.api_key}" \\
    -H "content-type: application/json" -d '{"template_id":"tpl_pf_padrao","parametros":{"cpf":"000.000.001-91"}}'

Company registry (GET /api/v1/companies/{cnpj}, live receita_federal_cnpj) starts empty; build a month into this state:
  ${process.env.DEV_STATE_DIR ? `DEV_STATE_DIR=${stateDir} ` : ""}npm run registry:build -- test/fixtures/registry/2026-08   (README, "Company registry")
  curl -s ${base}/api/v1/companies/<cnpj> -H "X-API-Key: ${creds.api_key}"

Screening lists (live runs and POST /api/v1/screening/search) start empty:
  npm run dev:lists   instead of npm run dev, serves test/fixtures/lists on loopback (LISTS_DIR=<folder> for other list files)
  npm run lists:load  then, in another terminal, loads them through the admin plane (README, "Screening lists")
`);

if (process.env.DEV_SETUP_ONLY === "1") process.exit(0);

// 4. The Worker on loopback.
// `npm run dev -- --var K:V` arrives without the `--` (npm consumes it); a direct
// `node scripts/dev.mjs -- --var K:V` keeps it.
const extra = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
// Two Workers in one process: the API (wrangler.toml, serving the port) and
// kycert-edge-engine (wrangler.engine.toml), which renders the reports.
const configs = ["-c", "wrangler.toml", "-c", "wrangler.engine.toml"];
const child = spawn(wrangler, ["dev", ...configs, "--ip", "127.0.0.1", "--port", port, ...persist, ...extra], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
