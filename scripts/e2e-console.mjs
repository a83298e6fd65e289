#!/usr/bin/env node
// End-to-end test of the analyst console in a real browser: Playwright
// (playwright-core) drives Debian's Chromium (/usr/bin/chromium, installed by
// .ci/run) against `npm run dev` on a free loopback port with a fresh state.
// An analyst logs in with the one-time link `npm run dev` prints, opens a
// `review` run (sandbox PEP fixture), proposes a rejection; an approver logs
// in with their own link and approves it (four eyes); the timeline and the
// final decision show. Then monitoring: with the UN list loaded (served on
// loopback) and a customer base imported, the "Monitoramento" page shows the
// customers, an open alert linked to its review case, and the import's rejected
// rows. Screenshots go to artifacts/console/ (CONSOLE_ARTIFACTS overrides; CI
// keeps the folder as its artifacts).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { DEFAULT_LISTS_DIR, startListServer, varArgs } from "./serve-lists.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const artifacts = resolve(root, process.env.CONSOLE_ARTIFACTS ?? "artifacts/console");
mkdirSync(artifacts, { recursive: true });

const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

const ANALYST = "analista@kycert.local";
const APPROVER = "aprovadora@kycert.local";
const port = String(await freePort());
const state = mkdtempSync(join(tmpdir(), "kycert-console-"));
const profile = mkdtempSync(join(tmpdir(), "kycert-chromium-"));
const base = `http://127.0.0.1:${port}`;
const devEnv = { ...process.env, PORT: port, DEV_STATE_DIR: state };

// The UN list on loopback, for the monitoring part.
const lists = await startListServer({ dir: DEFAULT_LISTS_DIR, port: 0, fallback: null });

// The analyst's link comes from the server's own start-up output, as a developer sees it.
const server = spawn(process.execPath, [join(root, "scripts", "dev.mjs"), "--", ...varArgs({ LIST_URL_UN_SC: lists.vars.LIST_URL_UN_SC })], {
  cwd: root,
  env: { ...devEnv, DEV_USER_EMAIL: ANALYST, DEV_USER_ROLE: "analyst" },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
let log = "";
server.stdout.on("data", (d) => (log += d));
server.stderr.on("data", (d) => (log += d));

let browser;
const stop = async () => {
  await browser?.close().catch(() => {});
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {}
  await lists.close();
  rmSync(state, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
};
const fail = async (msg) => {
  console.error(`e2e console FAILED: ${msg}\n--- server log ---\n${log.slice(-4000)}`);
  await stop();
  process.exit(1);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const linkIn = (text) => text.match(/console\s+(http:\/\/127\.0\.0\.1:\d+\/console\/dev-login\?token=[A-Za-z0-9_-]+)/)?.[1];

if (!existsSync(CHROMIUM)) await fail(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const deadline = Date.now() + 90_000;
for (;;) {
  if (Date.now() > deadline) await fail("server did not become ready in 90 s");
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {}
  await sleep(500);
}
const analystLink = linkIn(log);
if (!analystLink) await fail("npm run dev printed no console login link");

// The approver: a second `npm run dev` setup pass on the same local state prints their link.
const setup = execFileSync(process.execPath, [join(root, "scripts", "dev.mjs")], {
  cwd: root,
  env: { ...devEnv, DEV_SETUP_ONLY: "1", DEV_USER_EMAIL: APPROVER, DEV_USER_ROLE: "approver" },
  encoding: "utf8",
});
const approverLink = linkIn(setup);
if (!approverLink) await fail("the setup pass printed no login link for the approver");

// A `review` run: the sandbox PEP fixture, created through the API with the dev key.
const { api_key: KEY } = JSON.parse(readFileSync(join(state, "dev-credentials.json"), "utf8"));
const created = await fetch(`${base}/api/v1/bureau/runs`, {
  method: "POST",
  headers: { "X-API-Key": KEY, "content-type": "application/json" },
  body: JSON.stringify({ template_id: "tpl_pf_padrao", parametros: { cpf: "000.000.004-53" }, external_id: "cliente-pep-42" }),
});
if (created.status !== 202) await fail(`create run: HTTP ${created.status} ${await created.text()}`);
const { run_id: runId } = await created.json();
let run;
for (let i = 0; i < 120 && !run; i++) {
  const r = await fetch(`${base}/api/v1/bureau/runs/${runId}`, { headers: { "X-API-Key": KEY } });
  if (r.status === 200) run = await r.json();
  else await sleep(500);
}
if (!run) await fail("the run did not finish in 60 s");
if (run.decision !== "review" || !run.case_id) await fail(`expected a review run with a case, got ${run.decision} / ${run.case_id}`);

// A persistent context on a fresh profile directory: Playwright takes the
// user data dir this way (it refuses a --user-data-dir argument).
browser = await chromium
  .launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--lang=pt-BR",
    ],
    viewport: { width: 1366, height: 768 },
    locale: "pt-BR",
  })
  .catch((e) => fail(`Chromium did not start: ${e.message}`));

const shots = [];
const shot = async (page, name) => {
  const file = join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
};
const expectText = async (page, text, what) => {
  const body = await page.locator("body").innerText();
  if (!body.includes(text)) await fail(`${what}: page ${page.url()} lacks "${text}"`);
};
const problems = [];

async function loginAs(link, email) {
  // One browser, two people in turn: nothing of the first session may remain.
  await browser.clearCookies();
  const page = await browser.newPage();
  // Any script error or CSP violation on a page is a failure: the console runs none.
  page.on("console", (m) => m.type() === "error" && problems.push(`${email}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`${email}: ${e.message}`));
  await page.goto(link);
  await page.getByRole("button", { name: "Entrar" }).click();
  await page.waitForURL(`${base}/console/runs`);
  await expectText(page, email, "after login");
  return page;
}

// 1. The analyst: runs list → run → case → proposes a rejection.
let page = await loginAs(analystLink, ANALYST);
await expectText(page, runId, "runs list");
await shot(page, "01-runs");
await page.getByRole("link", { name: runId }).click();
await expectText(page, "Pessoa exposta politicamente", "run detail");
await shot(page, "02-run-review");
await page.getByRole("link", { name: run.case_id }).click();
await page.getByRole("button", { name: "Assumir o caso" }).click();
await expectText(page, "Caso atribuído a você", "assign");
await shot(page, "03-case-open");
await page.getByLabel("Reprovar o titular").check();
await page.getByLabel("Motivo").selectOption("insufficient_information");
await page.getByLabel("Justificativa").fill("PEP municipal sem comprovação de origem dos recursos.");
await page.getByRole("button", { name: "Registrar resolução" }).click();
await expectText(page, "aguarda a aprovação de outra pessoa", "proposal");
await expectText(page, "Somente aprovadores podem aprovar", "analyst cannot approve");
await shot(page, "04-case-proposed");
await page.close();

// 2. The approver: pending queue → approves; timeline and final decision.
page = await loginAs(approverLink, APPROVER);
await page.getByRole("link", { name: "Casos" }).click();
await page.getByRole("link", { name: "Aguardando aprovação" }).click();
await page.getByRole("link", { name: run.case_id }).click();
await page.getByRole("button", { name: "Aprovar proposta" }).click();
await expectText(page, "Proposta aprovada: caso resolvido", "approval");
await expectText(page, `aprovado por ${APPROVER}`, "resolution block");
await expectText(page, "Cadeia íntegra", "timeline chain");
for (const event of ["Caso aberto", "Caso atribuído", "Resolução proposta", "Caso resolvido"]) await expectText(page, event, "timeline");
await shot(page, "05-case-resolved");
await page.getByRole("link", { name: runId }).first().click();
const finalDecision = await page.locator(".kv", { hasText: "Decisão final (caso)" }).innerText();
if (!finalDecision.includes("Reprovado")) await fail(`final decision on the run page: ${finalDecision}`);
await shot(page, "06-run-final-decision");
// No list is loaded in a fresh local state: the search page says so instead of searching nothing.
await page.getByRole("link", { name: "Triagem" }).click();
await expectText(page, "Lista não carregada", "screening without lists");
await shot(page, "07-screening-no-lists");

// 3. Monitoring: the UN list loads; a customer base is imported (one row is bad, one customer is listed).
const ADMIN = log.match(/admin token\s+(\S+)/)?.[1];
const refresh = await fetch(`${base}/admin/v1/lists/un_sc/refresh`, { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` } });
if (refresh.status !== 202) await fail(`UN refresh: HTTP ${refresh.status}`);
for (let i = 0; ; i++) {
  const l = await (await fetch(`${base}/admin/v1/lists/un_sc`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json();
  if (l.version && !l.loading_since) break;
  if (l.last_error || i > 240) await fail(`UN list did not load: ${JSON.stringify(l.last_error)}`);
  await sleep(250);
}
const csv = "document,name,birth_date,external_id\n529.982.247-25,Eric Badege,1971-03-04,cliente-un\n111.444.777-35,Helena Prado Soares,1990-01-01,cliente-ok\n111.444.777-36,Documento Errado,,cliente-ruim\n";
const imported = await fetch(`${base}/api/v1/monitoring/imports`, { method: "POST", headers: { "X-API-Key": KEY, "content-type": "text/csv" }, body: csv });
if (imported.status !== 202) await fail(`import: HTTP ${imported.status} ${await imported.text()}`);
const { id: importId } = await imported.json();
let alert;
for (let i = 0; i < 240 && !alert; i++) {
  const imp = await (await fetch(`${base}/api/v1/monitoring/imports/${importId}`, { headers: { "X-API-Key": KEY } })).json();
  const alerts = (await (await fetch(`${base}/api/v1/monitoring/alerts`, { headers: { "X-API-Key": KEY } })).json()).data;
  if (imp.status === "completed" && alerts.length > 0) alert = alerts[0];
  else await sleep(250);
}
if (!alert?.case_id) await fail("the listed customer got no alert with a case in 60 s");
await page.getByRole("link", { name: "Monitoramento" }).click();
await expectText(page, "Eric Badege", "monitoring: customers");
await expectText(page, "Helena Prado Soares", "monitoring: customers");
await expectText(page, alert.case_id, "monitoring: open alert with its case");
await expectText(page, importId, "monitoring: imports");
await page.getByText("Linhas recusadas").click();
await expectText(page, "CPF com dígitos verificadores inválidos.", "monitoring: rejected rows");
await shot(page, "08-monitoring");
await page.getByRole("link", { name: alert.case_id }).click();
await expectText(page, "Alerta de monitoramento", "monitoring case");
await expectText(page, "Cliente monitorado", "monitoring case: the customer");
await expectText(page, "Evidência: o alerta", "monitoring case: the alert");
await shot(page, "09-monitoring-case");
await page.close();

// The API agrees with what the pages showed.
const after = await (await fetch(`${base}/api/v1/bureau/runs/${runId}`, { headers: { "X-API-Key": KEY } })).json();
if (after.final_decision !== "rejected" || after.decision !== "review") await fail(`API run after approval: ${after.decision} / ${after.final_decision}`);
if (problems.length > 0) await fail(`browser errors:\n${problems.join("\n")}`);

console.log(
  `e2e console passed: run ${runId} review → case ${run.case_id} rejected with four eyes; Monitoramento shows the customers, alert ${alert.id} with case ${alert.case_id} and the import's rejected row; ${shots.length} screenshots in ${artifacts}`,
);
await stop();
process.exit(0);
