import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("boots", async () => {
  const r = await exports.default.fetch("http://x/");
  expect(await r.text()).toBe("ok");
  const t = await env.DB.prepare("select count(*) as n from tenants").first<{ n: number }>();
  expect(t?.n).toBe(0);
});
