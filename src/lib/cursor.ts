// Opaque, tamper-evident pagination cursors: the keyset position, base64url,
// plus an HMAC bound to the tenant and environment that issued it.
import { keyedHash, timingSafeEqual } from "./crypto";

export interface CursorPosition {
  createdAt: string;
  id: string;
}

interface Owner {
  tenantId: string;
  livemode: boolean;
}

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64url = (s: string) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));

const sign = (secret: string, owner: Owner, payload: string) =>
  keyedHash(secret, "cursor", `${owner.tenantId}|${owner.livemode}|${payload}`).then((h) => h.slice(0, 32));

export async function encodeCursor(secret: string, owner: Owner, pos: CursorPosition): Promise<string> {
  const payload = b64url(JSON.stringify([pos.createdAt, pos.id]));
  return `${payload}.${await sign(secret, owner, payload)}`;
}

/** The position, or null when the cursor was not issued by us for this owner. */
export async function decodeCursor(secret: string, owner: Owner, cursor: string): Promise<CursorPosition | null> {
  const [payload, mac, ...rest] = cursor.split(".");
  if (!payload || !mac || rest.length > 0 || !timingSafeEqual(mac, await sign(secret, owner, payload))) return null;
  try {
    const [createdAt, id] = JSON.parse(unb64url(payload)) as [unknown, unknown];
    if (typeof createdAt === "string" && typeof id === "string") return { createdAt, id };
  } catch {
    // a signed but unreadable cursor is still invalid
  }
  return null;
}
