// The console-user operations of the admin plane (contract §16), spread into
// OPERATIONS (operations.ts) like every other route.
import { CreateUserSchema, ConsoleUser, ConsoleUserDeleted, ConsoleUserList } from "../schemas/users";
import type { OperationSpec, ParameterSpec } from "./operations";

const tenantId: ParameterSpec = { name: "id", in: "path", required: true, description: "The tenant id (`ten_…`)." };

export const USER_OPERATIONS: OperationSpec[] = [
  {
    method: "post",
    path: "/admin/v1/tenants/{id}/users",
    operationId: "adminCreateUser",
    tag: "Admin",
    summary: "Create a console user",
    description:
      "A person who signs in to the analyst console (`/console`). In production the console sits behind Cloudflare Access: the email Access asserts must be a user here (compared case-insensitively), or the console answers 403. An email belongs to one tenant.",
    security: "admin",
    body: CreateUserSchema,
    bodyDocs: { role: "`analyst`, `approver` (also approves four-eyes proposals) or `admin` (also the lists status)." },
    parameters: [tenantId],
    requestExample: { email: "ana.souza@banco-exemplo.com.br", role: "analyst", name: "Ana Souza" },
    responses: { 201: { description: "Created.", schema: ConsoleUser } },
    errors: ["tenant_not_found", "user_email_taken", "invalid_request"],
  },
  {
    method: "get",
    path: "/admin/v1/tenants/{id}/users",
    operationId: "adminListUsers",
    tag: "Admin",
    summary: "List a tenant's console users",
    security: "admin",
    parameters: [tenantId],
    responses: { 200: { description: "The users, oldest first.", schema: ConsoleUserList } },
    errors: ["tenant_not_found"],
  },
  {
    method: "delete",
    path: "/admin/v1/tenants/{id}/users/{user_id}",
    operationId: "adminDeleteUser",
    tag: "Admin",
    summary: "Delete a console user",
    description: "Access ends at once: the console reads the user on every request, so an open session stops working.",
    security: "admin",
    parameters: [tenantId, { name: "user_id", in: "path", required: true, description: "The user id (`usr_…`)." }],
    responses: { 200: { description: "Deleted.", schema: ConsoleUserDeleted } },
    errors: ["tenant_not_found", "user_not_found"],
  },
];
