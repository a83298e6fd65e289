// The monthly build as a runner runs it (Node): the fixture month read from its
// folder, joined by the external sort (scripts/registry/disk-grouper.ts) with a
// budget small enough to force partitions to split, gives exactly the blocks the
// in-memory join gives; a ZIP64 member (local header sizes 0xFFFFFFFF, sizes in
// the ZIP64 extra or in a trailing descriptor, as the 7 GB Estabelecimentos0
// has) reads like a plain one; a changed layout or a mixed month stops the build.
import { describe, expect, it } from "vitest";
import { BuildError, buildMonth, MemoryGrouper, type ObjectSink, type ReleaseSource } from "../../src/registry/build";
import { decodeRecord } from "../../src/registry/record";
import { strToU8, zipSync, gunzipSync, strFromU8 } from "fflate";

// Node modules through non-literal specifiers with their few signatures typed here: the
// project's tsconfig carries Workers types, not @types/node (as in screening-lists.test.ts).
const fsModule = "node:fs";
const osModule = "node:os";
const { readFileSync, mkdtempSync, rmSync } = (await import(fsModule)) as {
  readFileSync(file: URL | string): Uint8Array;
  mkdtempSync(prefix: string): string;
  rmSync(path: string, opts: { recursive: boolean; force: boolean }): void;
};
const { tmpdir } = (await import(osModule)) as { tmpdir(): string };
const diskModule = "../../scripts/registry/disk-grouper.ts";
const { DiskGrouper } = (await import(diskModule)) as {
  DiskGrouper: new (dir: string, opts?: { prefixLength?: number; maxPartitionBytes?: number; bufferBytes?: number; totalBufferBytes?: number }) => MemoryGrouper & {
    partitions: number;
  };
};

const DIR = new URL("../fixtures/registry/", (import.meta as unknown as { url: string }).url);
const FILES = JSON.parse(strFromU8(readFileSync(new URL("2026-08/truth.json", DIR)))).files as Record<string, unknown>;
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`2026-08/${name}`, DIR)));

function source(files: Record<string, Uint8Array>): ReleaseSource {
  return {
    description: "fixture",
    size: async (n) => files[n]?.length ?? null,
    open: async (n) =>
      (async function* () {
        for (let i = 0; i < files[n].length; i += 61) yield files[n].subarray(i, i + 61);
      })(),
  };
}

const month = () => Object.fromEntries(Object.keys(FILES).map((n) => [n, fixture(n)]));

/** Builds into memory; returns the objects and every record line. */
async function build(files: Record<string, Uint8Array>, grouper = new MemoryGrouper()) {
  const objects = new Map<string, Uint8Array>();
  const sink: ObjectSink = { put: async (k, b) => void objects.set(k, b) };
  const manifest = await buildMonth({ month: "2026-08", buildId: "bld_t", source: source(files), grouper, sink, blockBytes: 2048, now: () => new Date(0) });
  const lines = [...objects.entries()]
    .filter(([k]) => k.startsWith("blocks/"))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([, b]) => strFromU8(gunzipSync(b)).split("\n"));
  return { manifest, objects, lines };
}

describe("the monthly build", () => {
  it("the external sort (partitions split on the way) gives exactly the in-memory join's records and block boundaries", async () => {
    const memory = await build(month());
    const work = mkdtempSync(`${tmpdir()}/registry-test-`);
    try {
      const disk = new DiskGrouper(`${work}/p`, { prefixLength: 1, maxPartitionBytes: 2000, bufferBytes: 300, totalBufferBytes: 5000 });
      const onDisk = await build(month(), disk);
      expect(onDisk.lines).toEqual(memory.lines);
      expect(onDisk.manifest).toEqual(memory.manifest);
      expect(disk.partitions).toBeGreaterThan(10);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    expect(memory.manifest.counts).toEqual({ companies: 48, establishments: 64, partners: 73, simples: 38 });
    expect(memory.lines).toHaveLength(48);
    const roots = memory.lines.map((l) => decodeRecord(l).root);
    expect(roots).toEqual([...roots].sort());
  });

  it("a ZIP64 member, with its sizes in the ZIP64 extra or in a trailing descriptor, reads like the plain one", async () => {
    const plain = await build(month());
    for (const zip64 of ["Empresas0.zip", "Empresas0-streamed.zip"]) {
      const bytes = new Uint8Array(readFileSync(new URL(`zip64/${zip64}`, DIR)));
      expect([...bytes.subarray(18, 26)]).toEqual(Array(8).fill(0xff)); // local header: sizes deferred to ZIP64
      const got = await build({ ...month(), "Empresas0.zip": bytes });
      expect(got.lines, zip64).toEqual(plain.lines);
    }
  });

  it("a row with another column count (a layout change) stops the build, naming the file and line", async () => {
    const member = "K3241.K03200Y4.D60808.SOCIOCSV";
    const bad = zipSync({ [member]: strToU8('"12345678";"2";"JOSE";"***123456**";"22";"20200101";"";"***000000**";"";"00"\n') });
    await expect(build({ ...month(), "Socios4.zip": bad })).rejects.toThrow(new BuildError("Socios4.zip: a linha 1 tem 10 colunas, o layout tem 11 (mudança de layout ou arquivo corrompido)."));
  });

  it("a member from another extraction date (a mixed month) or under another name stops the build", async () => {
    const other = zipSync({ "K3241.K03200Y4.D60708.SOCIOCSV": strToU8("") });
    await expect(build({ ...month(), "Socios4.zip": other })).rejects.toThrow(/Socios4\.zip: data de extração D60708 diferente da dos outros arquivos \(D60808\)/);
    const renamed = zipSync({ "K3241.K03200Y5.D60808.SOCIOCSV": strToU8("") });
    await expect(build({ ...month(), "Socios4.zip": renamed })).rejects.toThrow(/Socios4\.zip: o arquivo interno "K3241\.K03200Y5\.D60808\.SOCIOCSV" não é o esperado/);
  });

  it("a file re-encoded as UTF-16 with a byte-order mark reads the same (quirk 5)", async () => {
    const member = "F.K03200$Z.D60808.NATJUCSV";
    const text = '"2062";"Sociedade Empresária Limitada"\n';
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + 2 * i] = text.charCodeAt(i);
    const got = await build({ ...month(), "Naturezas.zip": zipSync({ [member]: utf16 }) });
    const index = JSON.parse(strFromU8(gunzipSync(got.objects.get("index.json.gz")!)));
    expect(index.tables.naturezas).toEqual({ "2062": "Sociedade Empresária Limitada" });
  });
});
