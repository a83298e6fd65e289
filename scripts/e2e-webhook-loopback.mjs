#!/usr/bin/env node
// End to end: `npm run dev` (the default configuration, LOCAL_WEBHOOK_LOOPBACK = "1")
// delivers a sandbox run's webhook to a receiver on this machine, as an
// integrator would run one on a laptop: a plain HTTP server on 127.0.0.1, a run
// whose webhook_url points at it, and the signed run.completed event arriving there.
import { createServer } from "node:http";
import { sleep, startDev } from "../bench/lib.mjs";

const received = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    received.push({ url: req.url, signature: req.headers["kycert-signature"], body });
    res.writeHead(200).end("ok");
  });
});
await new Promise((ok) => receiver.listen(0, "127.0.0.1", ok));
const hook = `http://127.0.0.1:${receiver.address().port}/hooks/kycert`;

const dev = await startDev(["--var", "SANDBOX_LATENCY_FACTOR:0"]);
const fail = (msg) => {
  console.error(`e2e-webhook-loopback: ${msg}\n--- dev log (tail) ---\n${dev.log().slice(-3000)}`);
  process.exitCode = 1;
};
try {
  const res = await fetch(`${dev.base}/api/v1/bureau/runs`, {
    method: "POST",
    headers: { "X-API-Key": dev.key, "content-type": "application/json" },
    body: JSON.stringify({ template_id: "tpl_pf_padrao", parametros: { cpf: "000.000.001-91" }, webhook_url: hook }),
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`POST /runs with a loopback webhook_url: ${res.status} ${text}`);
  const runId = JSON.parse(text).run_id;
  const deadline = Date.now() + 60_000;
  while (received.length === 0 && Date.now() < deadline) await sleep(200);
  if (received.length === 0) throw new Error(`no webhook reached ${hook} within 60 s`);
  const event = JSON.parse(received[0].body);
  if (received[0].url !== "/hooks/kycert") throw new Error(`webhook at ${received[0].url}`);
  if (!/^t=\d+,v1=[0-9a-f]{64}$/.test(received[0].signature ?? "")) throw new Error(`unsigned webhook: ${received[0].signature}`);
  if (event.event !== "run.completed" || event.data?.object?.id !== runId) throw new Error(`unexpected event: ${received[0].body.slice(0, 300)}`);
  console.log(`e2e-webhook-loopback: ok (${event.event} for ${runId} delivered to ${hook})`);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
} finally {
  await dev.stop();
  receiver.close();
}
