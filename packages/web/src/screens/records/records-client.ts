/**
 * The records API (/api/v1 of `fuas records serve`, docs/records.md) as the Records screen uses it: typed
 * requests with `fetch`, SI units and the server's own field names. An answer that is not 2xx becomes a
 * RecordsHttpError carrying the status and the server's `{ error, fields }`; a server that cannot be reached
 * at all is a RecordsUnreachable (the outbox keeps the record for later).
 */

export interface PatientSummary {
  id: string;
  pseudonym: string;
  birthYear: number;
  createdAt: string;
  treatments?: string[];
}

export interface Outcome {
  /** non-perfused volume ratio, 0–1 */
  npvRatioPredicted?: number;
  npvRatioObserved?: number;
  /** m³ */
  targetVolume?: number;
  npvVolumePredicted?: number;
  npvVolumeObserved?: number;
  imagingDate?: string;
}

export interface TreatmentRequest {
  id: string;
  patient: string;
  /** YYYY-MM-DD */
  date: string;
  plan: Record<string, unknown>;
  outcome: Outcome;
  /** J and s: what the console delivered (here: the simulated plan's totals) */
  delivered?: { energy?: number; sonicationTime?: number; treatmentTime?: number };
}

export interface TreatmentRecord {
  id: string;
  patient: string;
  date: string;
  plan: Record<string, unknown>;
  delivered: { energy: number | null; sonicationTime: number | null; treatmentTime: number | null };
  outcome: Record<string, unknown>;
}

export interface FunnelAnswer {
  minCellSize: number;
  withheld: number;
  funnel: {
    target: number;
    sd: number;
    points: Array<{ centre: string; n: number; mean: number; z: number; within95: boolean; within998: boolean; own: boolean }>;
    limits: Array<{ n: number; lower95: number; upper95: number; lower998: number; upper998: number }>;
  } | null;
}

export interface CentreOutcome {
  centre: string;
  own: boolean;
  suppressed: boolean;
  treatments: number | null;
  withObservedNpv: number | null;
  meanNpvRatioObserved: number | null;
  meanNpvRatioPredicted: number | null;
  meanAbsPredictionError: number | null;
}

export interface PredictedVsObservedAnswer {
  minCellSize: number;
  pairs: Array<{ centre: string; predicted: number; observed: number }>;
  summary: { suppressed: boolean; n: number | null; meanError: number | null; meanAbsError: number | null; correlation: number | null };
}

export interface LearningCurvesAnswer {
  params: { p0: number; p1: number; alpha: number; beta: number; h: number; horizon: number };
  failure: string;
  operators: Array<{ name: string; cases: number; failures: number; chart: number[]; proficientAt: number | null }>;
}

/** The server answered with an error status. */
export class RecordsHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'RecordsHttpError';
  }
}

/** No answer at all (network down, server stopped, proxy 502). */
export class RecordsUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordsUnreachable';
  }
}

/** Base of the API for a server URL: '' (the workstation's own origin, `fuas serve --records`) or an origin. */
export function apiBase(serverUrl: string): string {
  return `${serverUrl.trim().replace(/\/+$/, '')}/api/v1`;
}

export class RecordsClient {
  constructor(
    readonly serverUrl: string,
    private readonly token: string | null = null,
    private readonly fetchImpl: typeof fetch = (...a) => fetch(...a),
  ) {}

  withToken(token: string | null): RecordsClient {
    return new RecordsClient(this.serverUrl, token, this.fetchImpl);
  }

  /** One request; resolves with the JSON answer and its status (200 "already there" vs 201 "created"). */
  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${apiBase(this.serverUrl)}/${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new RecordsUnreachable((e as Error).message);
    }
    const json = (await res.json().catch(() => null)) as (T & { error?: string; fields?: RecordsHttpError['fields'] }) | null;
    // a proxy in front of a stopped records server (fuas serve --records) or a gateway: no records server answered
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new RecordsUnreachable(json?.error ?? res.statusText);
    if (!res.ok || json === null) {
      throw new RecordsHttpError(res.status, json?.error ?? `${res.status} ${res.statusText}`, json?.fields ?? []);
    }
    return { status: res.status, json };
  }

  async health(): Promise<{ status: string; storage: string; schemaVersion: string | null }> {
    return (await this.request<{ status: string; storage: string; schemaVersion: string | null }>('GET', 'health')).json;
  }

  async signIn(username: string, password: string): Promise<{ token: string; expiresAt: string }> {
    return (await this.request<{ token: string; expiresAt: string }>('POST', 'session', { username, password })).json;
  }

  async patients(): Promise<PatientSummary[]> {
    return (await this.request<{ patients: PatientSummary[] }>('GET', 'patients')).json.patients;
  }

  async patient(id: string): Promise<PatientSummary> {
    return (await this.request<PatientSummary>('GET', `patients/${encodeURIComponent(id)}`)).json;
  }

  async treatment(id: string): Promise<TreatmentRecord> {
    return (await this.request<TreatmentRecord>('GET', `treatments/${encodeURIComponent(id)}`)).json;
  }

  /** POST of a record with its client-chosen id: 201 created, 200 the same record was there already. */
  async post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    return this.request('POST', path, body);
  }

  async outcomes(): Promise<CentreOutcome[]> {
    return (await this.request<{ centres: CentreOutcome[] }>('GET', 'analytics/outcomes')).json.centres;
  }

  async funnel(): Promise<FunnelAnswer> {
    return (await this.request<FunnelAnswer>('GET', 'analytics/funnel')).json;
  }

  async predictedVsObserved(): Promise<PredictedVsObservedAnswer> {
    return (await this.request<PredictedVsObservedAnswer>('GET', 'analytics/predicted-vs-observed')).json;
  }

  async learningCurves(): Promise<LearningCurvesAnswer> {
    return (await this.request<LearningCurvesAnswer>('GET', 'analytics/learning-curves')).json;
  }
}
