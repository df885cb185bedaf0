import { addCentre, addUser } from '../src/admin.js';
import { createRecordsApp, type RecordsAppOptions } from '../src/api/records-app.js';
import type { RecordsDatabase } from '../src/database/records-database.js';

/** A valid openfuas-plan document of two sonications (SI units). */
export function samplePlan(power = 200): Record<string, unknown> {
  return {
    format: 'openfuas-plan',
    version: 1,
    device: { preset: 'clinical-0.8mhz' },
    sonications: [
      { focus: [0, 0.05, 0], power, exposure: 2, cooling: 5, slice: 0 },
      { focus: [0.004, 0.05, 0], power, exposure: 3, cooling: 6, slice: 0 },
    ],
  };
}

export const PASSWORD = 'correct horse battery';

/** Two centres A and B, an admin and a physician in each, a researcher; the app over `db`. */
export async function twoCentres(db: RecordsDatabase, options: RecordsAppOptions = {}) {
  const centreA = await addCentre(db.owner, 'A', 'Centre A');
  const centreB = await addCentre(db.owner, 'B', 'Centre B');
  const users = {
    adminA: { username: 'admin-a', role: 'admin', centre: 'A' },
    physA: { username: 'phys-a', role: 'physician', centre: 'A' },
    adminB: { username: 'admin-b', role: 'admin', centre: 'B' },
    physB: { username: 'phys-b', role: 'physician', centre: 'B' },
    researcher: { username: 'researcher', role: 'researcher' },
  };
  const ids: Record<string, string> = {};
  for (const [k, u] of Object.entries(users)) ids[k] = await addUser(db.owner, { ...u, password: PASSWORD });
  const app = createRecordsApp(db, options);
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read any JSON answer's fields
    return { status: res.status, json: json as Record<string, any>, text, type: res.headers.get('content-type') ?? '' };
  };
  const login = async (username: string) => {
    const r = await call('POST', '/api/v1/session', undefined, { username, password: PASSWORD });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    return r.json.token as string;
  };
  const tokens: Record<keyof typeof users, string> = {
    adminA: await login('admin-a'),
    physA: await login('phys-a'),
    adminB: await login('admin-b'),
    physB: await login('phys-b'),
    researcher: await login('researcher'),
  };
  return { app, call, login, tokens, centreA, centreB, ids };
}
