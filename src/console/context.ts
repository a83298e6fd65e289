// What every authenticated console request knows: who, which tenant, which
// environment, and the CSRF token its forms carry.
import type { UserRole } from "../admin/users";
import type { Session } from "./session";

export interface ConsoleUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
}

export interface ConsoleContext {
  user: ConsoleUser;
  tenant: { id: string; name: string; status: "active" | "suspended" };
  session: Session;
  csrf: string;
}

export type ConsoleEnv = {
  Bindings: Env;
  Variables: { requestId: string; console: ConsoleContext };
};

export { hasRole } from "../admin/users";
