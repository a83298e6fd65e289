// Console users on the admin plane (contract §16): the request schema the
// route validates with and the response components the OpenAPI document shows.
import { z } from "zod";
import { USER_ROLES } from "../../admin/users";
import { component } from "./responses";

export const CreateUserSchema = z.strictObject({
  email: z.email().max(254),
  role: z.enum(USER_ROLES).meta({ description: "`analyst`, `approver` (also approves four-eyes proposals) or `admin` (also the lists status)." }),
  name: z.string().trim().min(1).max(200).optional(),
});

export const ConsoleUser = component(
  "ConsoleUser",
  z.strictObject({
    id: z.string(),
    object: z.literal("console_user"),
    tenant_id: z.string(),
    email: z.string().meta({ description: "Lower-cased; the identity Cloudflare Access asserts. Unique across tenants." }),
    name: z.string().nullable(),
    role: z.enum(USER_ROLES).meta({ description: "`analyst` reviews and resolves cases; `approver` also approves or returns proposals (four eyes); `admin` also sees the lists status." }),
    created_at: z.iso.datetime(),
  }),
  "A person who uses the analyst console.",
);

export const ConsoleUserList = component(
  "ConsoleUserList",
  z.strictObject({ object: z.literal("list"), data: z.array(ConsoleUser) }),
  "A tenant's console users, oldest first.",
);

export const ConsoleUserDeleted = component(
  "ConsoleUserDeleted",
  z.strictObject({ id: z.string(), object: z.literal("console_user"), deleted: z.literal(true) }),
  "The user was deleted; their console session stops working at its next request.",
);
