// /admin/v1/audit — the review cases' audit anchors (contract §15), on the admin plane (ADMIN_TOKEN).
import { z } from "zod";
import { anchorChangedChains } from "../../cases/anchors";
import { defineRoute, ok, route, router } from "../openapi/route";
import { component } from "../schemas/responses";
import { adminCommon } from "./admin";

const AuditAnchor = z.object({
  id: z.string().meta({ description: "anc_…" }),
  object: z.literal("audit_anchor"),
  key: z.string().meta({ description: "The write-once R2 object (`audit/anchors/<date>/<id>.json`) holding `{ case_id, length, head }` of each chain." }),
  sha256: z.string().meta({ description: "sha256 of the object's bytes." }),
  chains: z.number().int().meta({ description: "How many case chains it holds." }),
  created_at: z.iso.datetime(),
});

const AuditAnchorRun = component(
  "AuditAnchorRun",
  z.object({
    object: z.literal("audit_anchor_run"),
    anchors: z.array(AuditAnchor).meta({ description: "The objects written now (empty when no chain changed since the last anchor)." }),
  }),
  "What an anchor run wrote.",
);

const anchor = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/audit/anchor",
    operationId: "adminAnchorCaseChains",
    summary: "Anchor the case chains now",
    description:
      "Writes the head and length of every review case's event chain that changed since the last anchor to a write-once R2 object (a Cron Trigger does it daily). `GET /api/v1/bureau/cases/{id}` then checks the chain against the latest anchor holding it: events dropped or rewritten since are `verified: false`. Run it once right after deploying the keyed chain, so cases recorded before it (plain sha256 events) are pinned.",
    responses: { 200: ok("The anchors written.", AuditAnchorRun) },
    errors: [],
  }),
  async (c) => c.json(await anchorChangedChains(c.env, new Date()), 200),
);

export const adminAuditRoutes = router([anchor]);
