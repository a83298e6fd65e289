// One measurement of bench/isolate-start.mjs, in a fresh process (no V8 code cache):
// compile the Worker bundle as an ES module, link it (cloudflare:* modules stubbed,
// node:* the real ones), evaluate its top level. Prints the three times as JSON.
import vm from "node:vm";
import { readFileSync } from "node:fs";
const file = process.argv[2];
const src = readFileSync(file, "utf8");
const t0 = performance.now();
const mod = new vm.SourceTextModule(src, { identifier: file });
const t1 = performance.now();
await mod.link(async (spec) => {
  if (spec.startsWith("cloudflare:")) {
    return new vm.SyntheticModule(["DurableObject", "WorkerEntrypoint", "RpcTarget", "env", "default"], function () {
      class Base { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
      for (const n of ["DurableObject", "WorkerEntrypoint", "RpcTarget"]) this.setExport(n, Base);
      this.setExport("env", {}); this.setExport("default", {});
    });
  }
  const real = await import(spec);
  const names = Object.keys(real);
  return new vm.SyntheticModule(names, function () { for (const n of names) this.setExport(n, real[n]); });
});
const t2 = performance.now();
await mod.evaluate();
const t3 = performance.now();
console.log(JSON.stringify({ compile: t1 - t0, link: t2 - t1, evaluate: t3 - t2 }));
