import { createHash, randomBytes } from 'node:crypto';
import type { RecordsDb } from '../database/records-database.js';
import type { Role } from '../database/tables.js';

/** Session lifetime: one working day. */
export const TOKEN_TTL_MS = 8 * 3600_000;

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  centreId: string | null;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new bearer token for `userId`; only its SHA-256 is stored. */
export async function issueToken(owner: RecordsDb, userId: string, ttlMs = TOKEN_TTL_MS): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await owner.deleteFrom('auth_session').where('expires_at', '<', new Date()).execute();
  await owner
    .insertInto('auth_session')
    .values({ token_hash: digest(token), user_id: userId, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

/** The user of a valid, unexpired token, or null. */
export async function resolveToken(owner: RecordsDb, token: string): Promise<SessionUser | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await owner
    .selectFrom('auth_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.username', 'u.role', 'u.centre_id', 's.expires_at'])
    .where('s.token_hash', '=', digest(token))
    .executeTakeFirst();
  if (!row || new Date(row.expires_at).getTime() <= Date.now()) return null;
  return { id: row.id, username: row.username, role: row.role, centreId: row.centre_id };
}
