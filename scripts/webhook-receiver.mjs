#!/usr/bin/env node
// A webhook receiver for local development: an HTTP server on 127.0.0.1 that
// prints each kycert event it receives and, given the endpoint's secret,
// verifies its signature (the README's verifyKycertSignature). `npm run dev`
// delivers sandbox events to loopback receivers like this one.
//
//   KYCERT_WEBHOOK_SECRET=whsec_… node scripts/webhook-receiver.mjs [port]   (default 9000)
//
// It answers 204 to an event it accepts and 400 to a bad signature (kycert
// then retries it with backoff). Also a module: startReceiver() for the e2e.
import { createServer } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { fileURLToPath } from "node:url";

/** `Kycert-Signature: t=<unix>,v1=<hex>`: HMAC-SHA256(secret, t + "." + raw body), at most 5 minutes old. */
export function verifyKycertSignature(rawBody, header, secret, toleranceSeconds = 300) {
  let timestamp = NaN;
  const signatures = [];
  for (const part of (header ?? "").split(",")) {
    const [k, v] = part.trim().split("=");
    if (k === "t") timestamp = Number(v);
    if (k === "v1" && v) signatures.push(v);
  }
  if (!Number.isInteger(timestamp) || signatures.length === 0) return false;
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex"));
  return signatures.some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), expected));
}

/**
 * Listens on 127.0.0.1:`port` (0: any free port). `secret`: verify signatures
 * (a string, or a function returning the current one). Returns { url, events, close }.
 */
export async function startReceiver({ port = 0, secret = null, log = () => {} } = {}) {
  const events = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const key = typeof secret === "function" ? secret() : secret;
      const signature = req.headers["kycert-signature"];
      const verified = key ? verifyKycertSignature(body, signature, key) : null;
      if (verified === false) {
        log(`refused ${req.headers["kycert-event-id"] ?? "?"}: bad signature`);
        res.writeHead(400).end("invalid signature");
        return;
      }
      let event;
      try {
        event = JSON.parse(body);
      } catch {
        res.writeHead(400).end("not JSON");
        return;
      }
      events.push({ event, signature, verified, path: req.url });
      log(`${event.event} ${event.id} (${event.data?.object?.id ?? "?"})${verified ? ", signature verified" : key ? "" : ", signature not checked: set KYCERT_WEBHOOK_SECRET"}`);
      res.writeHead(204).end();
    });
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}/kycert`;
  return { url, events, close: () => new Promise((ok) => server.close(ok)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.argv[2] ?? 9000);
  const receiver = await startReceiver({ port, secret: process.env.KYCERT_WEBHOOK_SECRET ?? null, log: (line) => console.log(`${new Date().toISOString()} ${line}`) });
  console.log(`kycert webhook receiver on ${receiver.url}${process.env.KYCERT_WEBHOOK_SECRET ? "" : " (signatures not checked: set KYCERT_WEBHOOK_SECRET)"}`);
}
