// Reads a built month from R2: the index (first root of every block, and the
// month's reference tables) once per isolate and build, then one block per
// lookup. A build's objects never change, so whatever is cached stays true.
import { blockKey, gunzipText, INDEX_KEY, type BuildIndex } from "./build";
import { decodeRecord, findRecordLine, type CompanyRecord } from "./record";

/** What a lookup needs to know of the build that serves. */
export interface ServingBuild {
  id: string;
  month: string;
  extractionDate: string;
  prefix: string;
}

const INDEX_CACHE = new Map<string, Promise<BuildIndex>>();
/** Recently read blocks (≈256 KiB of text each): a few, so neighbouring lookups skip R2 and the gunzip. */
const BLOCK_CACHE = new Map<string, string>();
const BLOCK_CACHE_SIZE = 8;

export async function loadIndex(bucket: R2Bucket, build: ServingBuild): Promise<BuildIndex> {
  let p = INDEX_CACHE.get(build.id);
  if (!p) {
    p = (async () => {
      const obj = await bucket.get(`${build.prefix}${INDEX_KEY}`);
      if (!obj) throw new Error(`registry: index of ${build.id} missing`);
      return JSON.parse(await gunzipText(obj.body)) as BuildIndex;
    })();
    // A failed read is not cached: the next lookup tries again.
    p.catch(() => INDEX_CACHE.delete(build.id));
    // Two builds at most: the one serving and the one it replaces (or is checked against).
    if (INDEX_CACHE.size >= 2) INDEX_CACHE.delete(INDEX_CACHE.keys().next().value as string);
    INDEX_CACHE.set(build.id, p);
  }
  return p;
}

/** The block that may hold `root`: the last whose first root (8 characters each in `firstRoots`) is ≤ root, by binary search; or -1. */
export function blockFor(firstRoots: string, root: string): number {
  let lo = 0;
  let hi = firstRoots.length / 8 - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (firstRoots.slice(mid * 8, mid * 8 + 8) <= root) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

async function readBlock(bucket: R2Bucket, build: ServingBuild, i: number): Promise<string> {
  const key = `${build.prefix}${blockKey(i)}`;
  const cached = BLOCK_CACHE.get(key);
  if (cached !== undefined) {
    BLOCK_CACHE.delete(key);
    BLOCK_CACHE.set(key, cached);
    return cached;
  }
  const obj = await bucket.get(key);
  if (!obj) throw new Error(`registry: block ${i} of ${build.id} missing`);
  const text = await gunzipText(obj.body);
  if (BLOCK_CACHE.size >= BLOCK_CACHE_SIZE) BLOCK_CACHE.delete(BLOCK_CACHE.keys().next().value as string);
  BLOCK_CACHE.set(key, text);
  return text;
}

/** The record of one CNPJ root in a build, or null when the month does not have it. */
export async function readCompany(bucket: R2Bucket, build: ServingBuild, root: string): Promise<{ record: CompanyRecord; index: BuildIndex } | null> {
  const index = await loadIndex(bucket, build);
  const i = blockFor(index.first_roots, root);
  if (i < 0) return null;
  const line = findRecordLine(await readBlock(bucket, build, i), root);
  return line === null ? null : { record: decodeRecord(line), index };
}
