// Shared benchmark plumbing: start `npm run dev` on a free loopback port with a
// throw-away state, wait until it answers, stop it afterwards.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the API; returns { base, key, admin, stop }. `wranglerArgs` go to `wrangler dev`.
 * `opts.stateDir`: use (and keep) this local state instead of a throw-away one.
 * `opts.untouched`: wait for wrangler's "Ready on" instead of a GET /health, so the
 * isolate's first request is the caller's (a new isolate's first-request timing).
 */
export async function startDev(wranglerArgs = [], env = {}, opts = {}) {
  const port = String(await freePort());
  const state = opts.stateDir ?? mkdtempSync(join(tmpdir(), "kycert-bench-"));
  const child = spawn(process.execPath, [join(root, "scripts", "dev.mjs"), "--", ...wranglerArgs], {
    cwd: root,
    env: { ...process.env, PORT: port, DEV_STATE_DIR: state, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise((ok) => child.once("exit", ok));
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`server not ready:\n${log.slice(-3000)}`);
    if (opts.untouched) {
      if (/Ready on/.test(log)) break;
      await sleep(10);
      continue;
    }
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    await sleep(300);
  }
  const creds = JSON.parse(readFileSync(join(state, "dev-credentials.json"), "utf8"));
  const admin = /admin token\s+(\S+)/.exec(log)?.[1];
  return {
    base,
    key: creds.api_key,
    admin,
    log: () => log,
    /** The server's process group (wrangler, workerd): for reading its CPU time from /proc. */
    pgid: child.pid,
    /** Stops the server; the returned promise settles when its process has exited. */
    stop: () => {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      if (!opts.stateDir) rmSync(state, { recursive: true, force: true });
      return exited;
    },
  };
}

export const machine = () => `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---- /proc: the processes a benchmark's server runs --------------------------------

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ). */
const TICK = 100;
/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] state, [1] ppid, [11] utime, [12] stime. */
const statFields = (pid) => {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  return s.slice(s.lastIndexOf(")") + 2).split(" ");
};
export const parentOf = (pid) => Number(statFields(pid)[1]);
/** CPU time (user + system) a process used so far, in ms. */
export const cpuMs = (pid) => ((Number(statFields(pid)[11]) + Number(statFields(pid)[12])) * 1000) / TICK;
export const rssMb = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

/** The workerd processes under `ancestor` (npm → wrangler → workerd; wrangler may run more than one). */
export function workerdsUnder(ancestor) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/comm`, "utf8").startsWith("workerd")) continue;
      for (let p = Number(d); p > 1; p = parentOf(p)) if (p === ancestor) out.push(Number(d));
    } catch {}
  }
  return out;
}

/** mulberry32: a small seeded PRNG, so generated inputs are the same on every run (the TypeScript twin: src/screening/parsers/synthetic.ts). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
