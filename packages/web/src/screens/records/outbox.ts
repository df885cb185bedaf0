import { type RecordsClient, RecordsHttpError, RecordsUnreachable } from './records-client.js';

/**
 * The workstation's outbox: every record the Records screen writes (patient, treatment, observed outcome) is
 * queued here first, with an id chosen in the browser, then pushed to the records server in order. Pushing is
 * idempotent because the ids travel with the records: the server answers 201 for a record it stores and 200 for
 * one it already has (an answer lost on the way and a second push therefore store nothing twice); 409 is a
 * different record under the same id or local identifier: reported, kept here, never overwritten. Entries stay
 * (in the browser's storage) while the server cannot be reached, and go once it has taken them.
 */

export type OutboxEntity = 'patient' | 'treatment' | 'outcome';

export interface OutboxEntry {
  /** order of creation: pushed oldest first (a treatment after its patient) */
  seq: number;
  entity: OutboxEntity;
  /** the record's id (an outcome: its treatment's) */
  entityId: string;
  /** the API path under /api/v1 */
  path: string;
  body: unknown;
  /** ISO date-time the record was made */
  createdAt: string;
  /** why the last push did not take it (409 conflict, 400 …) */
  error?: string;
  conflict?: boolean;
}

export interface PushReport {
  pushed: number;
  alreadyThere: number;
  conflicts: number;
  failed: number;
  /** entries still waiting (the server unreachable, a conflict, a refusal) */
  remaining: number;
  /** the push stopped because the server could not be reached or the token is no longer valid */
  stopped: 'unreachable' | 'unauthorized' | null;
}

/** Where the entries are kept between visits: one JSON list (the browser's localStorage by default). */
export interface OutboxStorage {
  read(): OutboxEntry[];
  write(entries: OutboxEntry[]): void;
}

export const OUTBOX_KEY = 'openfuas.records.outbox';

/** localStorage under one key per records server (a laptop may push to a centre's and a network's server). */
export function localOutboxStorage(serverKey: string, storage: Storage = localStorage): OutboxStorage {
  const key = `${OUTBOX_KEY}:${serverKey}`;
  return {
    read() {
      try {
        const v = JSON.parse(storage.getItem(key) ?? '[]') as unknown;
        return Array.isArray(v) ? (v as OutboxEntry[]) : [];
      } catch {
        return [];
      }
    },
    write(entries) {
      if (entries.length) storage.setItem(key, JSON.stringify(entries));
      else storage.removeItem(key);
    },
  };
}

/** An in-memory storage (tests, or a browser with storage disabled). */
export function memoryOutboxStorage(): OutboxStorage {
  let entries: OutboxEntry[] = [];
  return { read: () => structuredClone(entries), write: (e) => (entries = structuredClone(e)) };
}

/** The API path of an entry. */
function pathOf(entity: OutboxEntity, entityId: string): string {
  if (entity === 'patient') return 'patients';
  if (entity === 'treatment') return 'treatments';
  return `treatments/${entityId}/outcome`;
}

export class Outbox {
  /** one push at a time: a second call waits for the first and then finds nothing left */
  private running: Promise<PushReport> | null = null;

  constructor(private readonly storage: OutboxStorage) {}

  entries(): OutboxEntry[] {
    return this.storage.read();
  }

  /** Queues a record; returns its entry. `entityId` must be the record's own id (in `body.id`) or its treatment's. */
  add(entity: OutboxEntity, entityId: string, body: unknown): OutboxEntry {
    const entries = this.storage.read();
    const seq = entries.reduce((m, e) => Math.max(m, e.seq), 0) + 1;
    const entry: OutboxEntry = { seq, entity, entityId, path: pathOf(entity, entityId), body, createdAt: new Date().toISOString() };
    this.storage.write([...entries, entry]);
    return entry;
  }

  /** Pushes every entry, oldest first; entries the server took (201 or 200) leave the outbox. */
  push(client: RecordsClient): Promise<PushReport> {
    this.running ??= this.pushAll(client).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pushAll(client: RecordsClient): Promise<PushReport> {
    const report: PushReport = { pushed: 0, alreadyThere: 0, conflicts: 0, failed: 0, remaining: 0, stopped: null };
    for (const entry of this.storage.read()) {
      try {
        const { status } = await client.post(entry.path, entry.body);
        if (status === 201) report.pushed++;
        else report.alreadyThere++;
        this.storage.write(this.storage.read().filter((e) => e.seq !== entry.seq));
      } catch (e) {
        if (e instanceof RecordsUnreachable) {
          report.stopped = 'unreachable';
          break;
        }
        if (!(e instanceof RecordsHttpError)) throw e;
        if (e.status === 401) {
          report.stopped = 'unauthorized';
          break;
        }
        const conflict = e.status === 409;
        const fields = e.fields.map((f) => `${f.path}: ${f.message}`).join('; ');
        const error = `${e.status} ${e.message}${fields ? ` (${fields})` : ''}`;
        this.storage.write(this.storage.read().map((x) => (x.seq === entry.seq ? { ...x, error, conflict } : x)));
        if (conflict) report.conflicts++;
        else report.failed++;
      }
    }
    report.remaining = this.storage.read().length;
    return report;
  }
}
