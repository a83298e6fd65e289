// Node-side inputs and outputs of the monthly build (src/registry/build.ts): a
// month read from a local folder or over HTTP (the official share, resumed with
// Range when the server stalls), and objects written to a local folder.
import { createReadStream, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ObjectSink, ReleaseSource } from "../../src/registry/build";

export function folderSource(dir: string): ReleaseSource {
  const root = resolve(dir);
  return {
    description: root,
    async size(name) {
      try {
        return statSync(join(root, name)).size;
      } catch {
        return null;
      }
    },
    async open(name) {
      return createReadStream(join(root, name), { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
    },
  };
}

/** The public share's token (reference §1): WebDAV with Basic auth, the token as user and no password. */
const OFFICIAL_SHARE = { host: "arquivos.receitafederal.gov.br", token: "YggdBLfdninEJX9" };

/** A month over HTTP(S): `<base>/<name>`; a stalled or cut download resumes where it stopped (Range), up to `attempts` times. */
export function httpSource(base: string, attempts = 8): ReleaseSource {
  const url = (name: string) => `${base.replace(/\/+$/, "")}/${name}`;
  const headers = (): Record<string, string> =>
    new URL(base).hostname === OFFICIAL_SHARE.host ? { authorization: `Basic ${Buffer.from(`${OFFICIAL_SHARE.token}:`).toString("base64")}` } : {};
  return {
    description: base,
    async size(name) {
      const res = await fetch(url(name), { method: "HEAD", headers: headers() });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
      return Number(res.headers.get("content-length") ?? 0);
    },
    async open(name) {
      return (async function* () {
        let offset = 0;
        for (let attempt = 1; ; attempt++) {
          try {
            const res = await fetch(url(name), {
              headers: { ...headers(), ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) },
              signal: AbortSignal.timeout(30 * 60_000),
            });
            if (offset > 0 && res.status !== 206) throw new Error(`${name}: the server ignored Range (HTTP ${res.status})`);
            if (offset === 0 && !res.ok) throw new Error(`${name}: HTTP ${res.status}`);
            for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
              offset += chunk.length;
              yield chunk;
            }
            return;
          } catch (err) {
            if (attempt >= attempts) throw err;
            await new Promise((r) => setTimeout(r, Math.min(60_000, 1000 * 2 ** attempt)));
          }
        }
      })();
    },
  };
}

export function folderSink(dir: string): ObjectSink {
  return {
    async put(key, body) {
      const path = join(dir, key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
    },
  };
}

/**
 * R2 through its S3-compatible API (a runner has no binding): R2_ACCOUNT_ID,
 * R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY (an R2 API token with write access to
 * the bucket), R2_BUCKET. Keys are put under `prefix`; a failed PUT is retried.
 */
export async function r2Sink(prefix: string): Promise<ObjectSink> {
  const { AwsClient } = await import("aws4fetch");
  const need = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`--to r2 needs ${name}`);
    return v;
  };
  const endpoint = `https://${need("R2_ACCOUNT_ID")}.r2.cloudflarestorage.com/${need("R2_BUCKET")}`;
  const client = new AwsClient({ accessKeyId: need("R2_ACCESS_KEY_ID"), secretAccessKey: need("R2_SECRET_ACCESS_KEY"), service: "s3", region: "auto" });
  return {
    async put(key, body, contentType) {
      for (let attempt = 1; ; attempt++) {
        const res = await client.fetch(`${endpoint}/${prefix}${key}`, { method: "PUT", body, headers: { "content-type": contentType } }).catch((e: Error) => e);
        if (!(res instanceof Error) && res.ok) return;
        if (attempt >= 5) throw new Error(`R2 PUT ${key}: ${res instanceof Error ? res.message : `HTTP ${res.status}`}`);
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    },
  };
}
