import { DurableObject } from "cloudflare:workers";

export default {
  async fetch(): Promise<Response> {
    return new Response("ok");
  },
} satisfies ExportedHandler<Env>;

export class RunObject extends DurableObject<Env> {}
