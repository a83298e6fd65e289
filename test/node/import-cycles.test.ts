// No import circle through src/runs, src/reports or src/webhooks, and the run
// object takes its types from types modules, not from services. A tiny import
// graph over the TypeScript sources (relative specifiers of import/export
// lines, type-only ones included: a type import is still a dependency of the
// design, and a circle of them becomes a runtime circle with the first value).
import { describe, expect, it } from "vitest";

// Node's fs through a dynamic import with its few signatures typed here: the
// project's tsconfig carries Workers types, not @types/node (as in fake-provider.test.ts).
const fsModule = "node:fs";
const fs = (await import(fsModule)) as {
  readdirSync(dir: URL, opts: { withFileTypes: true }): { name: string; isDirectory(): boolean }[];
  readFileSync(file: URL, encoding: "utf8"): string;
  existsSync(file: URL): boolean;
  statSync(file: URL): { isFile(): boolean };
};

const SRC = new URL("../../src/", (import.meta as unknown as { url: string }).url);
const WATCHED = ["runs/", "reports/", "webhooks/"];

/** Files are named by URL (file:///…/src/runs/views.ts). */
function sourceFiles(dir: URL): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.isDirectory()) return sourceFiles(new URL(`${d.name}/`, dir));
    return d.name.endsWith(".ts") && !d.name.endsWith(".test.ts") && !d.name.endsWith(".d.ts") ? [new URL(d.name, dir).href] : [];
  });
}

const isFile = (u: URL) => fs.existsSync(u) && fs.statSync(u).isFile();

/** `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`, over several lines too. */
const SPECIFIER = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
  names: string;
}

export function importsOf(file: string, text: string): ImportEdge[] {
  const out: ImportEdge[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    const target = [`${spec}.ts`, `${spec}/index.ts`, spec].map((c) => new URL(c, file)).find(isFile);
    if (!target) continue;
    out.push({ from: file, to: target.href, typeOnly: /^[\s;]*(?:import|export)\s+type\s/.test(m[0]), names: m[0] });
  }
  return out;
}

const rel = (p: string) => p.slice(SRC.href.length);

/** Strongly connected components (Tarjan) with more than one file, or a file importing itself. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  // Iterative Tarjan: the graph is small, but a recursive walk is what this repo just removed elsewhere.
  for (const root of graph.keys()) {
    if (idx.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      if (i === 0) {
        idx.set(v, index);
        low.set(v, index);
        index++;
        stack.push(v);
        onStack.add(v);
      }
      const next = graph.get(v) ?? [];
      if (i < next.length) {
        frame[1]++;
        const w = next[i];
        if (!idx.has(w)) work.push([w, 0]);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === idx.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || next.includes(v)) out.push(scc.sort());
      }
    }
  }
  return out;
}

function srcGraph(): { graph: Map<string, string[]>; edges: ImportEdge[] } {
  const edges = sourceFiles(SRC).flatMap((f) => importsOf(f, fs.readFileSync(new URL(f), "utf8")));
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles(SRC)) graph.set(rel(f), []);
  for (const e of edges) graph.get(rel(e.from))!.push(rel(e.to));
  return { graph, edges };
}

describe("import graph", () => {
  it("the walker finds a circle, multi-line and type-only imports included", () => {
    const a = new URL("runs/a.ts", SRC).href;
    const text = 'import {\n  x,\n  type Y,\n} from "./views";\nimport type { Z } from "./service";\nexport { w } from "../reports/types";';
    expect(importsOf(a, text).map((e) => [rel(e.to), e.typeOnly])).toEqual([
      ["runs/views.ts", false],
      ["runs/service.ts", true],
      ["reports/types.ts", false],
    ]);
    const g = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
      ["e", ["e"]],
    ]);
    expect(cycles(g)).toEqual([["a", "b", "c"], ["e"]]);
  });

  it("no circle goes through src/runs, src/reports or src/webhooks", () => {
    const { graph } = srcGraph();
    const found = cycles(graph).filter((scc) => scc.some((f) => WATCHED.some((d) => f.startsWith(d))));
    expect(found).toEqual([]);
  });

  it("the run object takes its types from types modules, never from a service", () => {
    const { edges } = srcGraph();
    const fromRunObject = edges.filter((e) => rel(e.from) === "runs/run-object.ts");
    expect(fromRunObject.length).toBeGreaterThan(0);
    const typesFromServices = fromRunObject
      .filter((e) => /(^|\/)service\.ts$/.test(rel(e.to)))
      .filter((e) => e.typeOnly || /\btype\s+\w/.test(e.names))
      .map((e) => `${rel(e.to)}: ${e.names.trim()}`);
    expect(typesFromServices).toEqual([]);
  });

  it("nothing below the transport imports from src/http (only src/http, src/app.ts and the console, the other transport, do)", () => {
    // DESIGN.md: services throw domain errors and take their types from their own layer; src/http maps them.
    const TRANSPORT = /^(http\/|app\.ts$|console\/)/;
    const { edges } = srcGraph();
    const upward = edges
      .filter((e) => !TRANSPORT.test(rel(e.from)) && rel(e.to).startsWith("http/"))
      .map((e) => `${rel(e.from)} → ${rel(e.to)}`);
    expect(upward).toEqual([]);
  });

  it("the API Worker (src/index.ts) never loads the libraries that live in kycert-edge-engine", () => {
    // Every isolate of the API parses its whole bundle before its first request
    // (issue 11's ≤ 400 KiB gzip budget): PDF rendering and the matcher's transliteration are the engine Worker's (src/engine.ts).
    const HEAVY = /^(?:pdf-lib|@pdf-lib\/.*|any-ascii)$/;
    const { edges } = srcGraph();
    const entry = new URL("index.ts", SRC).href;
    const reached = new Set([entry]);
    for (const queue = [entry]; queue.length > 0; ) {
      const file = queue.pop()!;
      for (const e of edges) {
        if (e.from === file && !e.typeOnly && !reached.has(e.to)) {
          reached.add(e.to);
          queue.push(e.to);
        }
      }
    }
    expect(reached.has(new URL("runs/run-object.ts", SRC).href)).toBe(true);
    const heavy = [...reached].flatMap((f) =>
      [...fs.readFileSync(new URL(f), "utf8").matchAll(/^\s*import\s+(?!type\s)[^;]*?from\s+["']([^"'.][^"']*)["']/gm)]
        .filter((m) => HEAVY.test(m[1]))
        .map((m) => `${rel(f)} imports ${m[1]}`),
    );
    expect(heavy).toEqual([]);
  });
});
