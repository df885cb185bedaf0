import { InputError } from '@openfuas/core';
import { hashPassword } from './auth/password.js';
import type { RecordsDb } from './database/records-database.js';
import { ROLES, type Role } from './database/tables.js';
import { newCentreKey } from './pseudonym.js';

/** Adds a centre (code unique, e.g. "SH-01") with a fresh pseudonym key; returns its id. */
export async function addCentre(owner: RecordsDb, code: string, name: string): Promise<string> {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(code)) throw new InputError('code', 'letters, digits, - and _ only, 1 to 32 characters');
  if (!name.trim() || name.length > 200) throw new InputError('name', 'must be 1 to 200 characters');
  const existing = await owner.selectFrom('centre').select('id').where('code', '=', code).executeTakeFirst();
  if (existing) throw new InputError('code', `centre ${code} exists already`);
  const id = crypto.randomUUID();
  await owner.insertInto('centre').values({ id, code, name: name.trim(), pseudonym_key: newCentreKey() }).execute();
  return id;
}

/** Adds a user; every role but researcher belongs to a centre (given by its code). Returns the user's id. */
export async function addUser(
  owner: RecordsDb,
  user: { username: string; role: string; centre?: string; password: string },
): Promise<string> {
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(user.username)) throw new InputError('username', 'letters, digits, . _ @ - only, 1 to 64 characters');
  if (!(ROLES as readonly string[]).includes(user.role)) throw new InputError('role', `must be one of ${ROLES.join(', ')}`);
  if (user.password.length < 10) throw new InputError('password', 'must be at least 10 characters');
  let centreId: string | null = null;
  if (user.centre) {
    const c = await owner.selectFrom('centre').select('id').where('code', '=', user.centre).executeTakeFirst();
    if (!c) throw new InputError('centre', `no centre with code ${user.centre}`);
    centreId = c.id;
  } else if (user.role !== 'researcher') {
    throw new InputError('centre', `a ${user.role} belongs to a centre: give its code`);
  }
  const taken = await owner.selectFrom('app_user').select('id').where('username', '=', user.username).executeTakeFirst();
  if (taken) throw new InputError('username', `user ${user.username} exists already`);
  const id = crypto.randomUUID();
  await owner
    .insertInto('app_user')
    .values({ id, username: user.username, role: user.role as Role, centre_id: centreId, password_hash: await hashPassword(user.password) })
    .execute();
  return id;
}
