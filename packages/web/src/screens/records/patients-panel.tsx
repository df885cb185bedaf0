import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import { type PatientSummary, RecordsHttpError, RecordsUnreachable } from './records-client.js';
import { client, outbox, outboxVersion, session } from './records-session.js';
import { chosenPatient, patientsStamp } from './records-state.js';
import { sendRecord } from './send-record.js';

const shortPseudonym = (p: string) => `${p.slice(0, 10)}…`;

/**
 * The centre's patients (pseudonyms only: the server keeps an HMAC of the local identifier) and a form that adds
 * a patient or finds one already recorded: the server answers a known local identifier with that patient's id.
 * Without a server (unreachable, or not signed in) the patient is kept in the outbox under an id chosen here.
 */
export function PatientsPanel() {
  const [patients, setPatients] = useState<PatientSummary[] | null>(null);
  const [listError, setListError] = useState('');
  const [localId, setLocalId] = useState('');
  const [birthYear, setBirthYear] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const signedIn = session.value !== null;
  const stamp = patientsStamp.value;
  outboxVersion.value;
  const pending = outbox.value.entries().filter((e) => e.entity === 'patient');

  useEffect(() => {
    if (!signedIn) {
      setPatients(null);
      return;
    }
    let live = true;
    client.value.patients().then(
      (p) => {
        if (!live) return;
        setPatients(p);
        setListError('');
      },
      (e: Error) => live && setListError(e.message),
    );
    return () => {
      live = false;
    };
  }, [signedIn, stamp]);

  const add = async (ev: Event) => {
    ev.preventDefault();
    const label = localId.trim();
    const year = Number(birthYear);
    setMessage(null);
    if (signedIn) {
      try {
        // no id: a local identifier already recorded answers 200 with that patient's id
        const r = await client.value.post('patients', { localId: label, birthYear: year });
        const id = (r.json as { id: string }).id;
        chosenPatient.value = { id, label };
        setMessage({ ok: true, text: t(r.status === 201 ? 'records.patient.added' : 'records.patient.found', { label }) });
        setLocalId('');
        patientsStamp.value++;
        return;
      } catch (e) {
        if (!(e instanceof RecordsUnreachable)) {
          const text = e instanceof RecordsHttpError ? e.message : (e as Error).message;
          setMessage({ ok: false, text: t('records.error', { message: text }) });
          return;
        }
      }
    }
    const id = crypto.randomUUID();
    const r = await sendRecord('patient', id, { id, localId: label, birthYear: year });
    chosenPatient.value = { id, label };
    setMessage(
      r.sent
        ? { ok: true, text: t('records.patient.added', { label }) }
        : { ok: !r.conflict, text: t('records.patient.queued', { label, reason: r.reason }) },
    );
    setLocalId('');
  };

  const chosen = chosenPatient.value;
  return (
    <section class="records-panel" data-testid="records-patients">
      <h3>{t('records.patients')}</h3>
      <form class="records-row" onSubmit={add} data-testid="records-patient-form">
        <input
          value={localId}
          placeholder={t('records.patient.localId')}
          aria-label={t('records.patient.localId')}
          maxLength={200}
          required
          onInput={(e) => setLocalId((e.target as HTMLInputElement).value)}
          data-testid="records-patient-local-id"
        />
        <input
          type="number"
          min={1900}
          max={2100}
          step={1}
          value={birthYear}
          placeholder={t('records.patient.birthYear')}
          aria-label={t('records.patient.birthYear')}
          required
          onInput={(e) => setBirthYear((e.target as HTMLInputElement).value)}
          data-testid="records-patient-birth-year"
        />
        <button type="submit" data-testid="records-patient-add">
          {t('records.patient.add')}
        </button>
      </form>
      <p class="records-hint">{t('records.patient.privacy')}</p>
      {message && (
        <p class={message.ok ? 'records-ok' : 'records-error'} data-testid="records-patient-message">
          {message.text}
        </p>
      )}
      <p data-testid="records-chosen-patient">
        {chosen ? t('records.patient.selected', { label: chosen.label }) : t('records.patient.noneSelected')}
      </p>
      {listError && <p class="records-error">{t('records.error', { message: listError })}</p>}
      <table class="records-table" data-testid="records-patient-list">
        <thead>
          <tr>
            <th>{t('records.patient.pseudonym')}</th>
            <th>{t('records.patient.birthYear')}</th>
            <th>{t('records.patient.created')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {pending.map((e) => {
            const b = e.body as { id: string; localId: string; birthYear: number };
            return (
              <tr key={`o${e.seq}`} data-pending="true" class={chosen?.id === b.id ? 'chosen' : ''}>
                <td>
                  {b.localId} ({t('records.patient.pending')})
                </td>
                <td>{b.birthYear}</td>
                <td>{new Date(e.createdAt).toLocaleDateString()}</td>
                <td>
                  <button type="button" onClick={() => (chosenPatient.value = { id: b.id, label: b.localId })}>
                    {t('records.patient.select')}
                  </button>
                </td>
              </tr>
            );
          })}
          {(patients ?? []).map((p) => (
            <tr key={p.id} data-patient={p.id} class={chosen?.id === p.id ? 'chosen' : ''}>
              <td title={p.pseudonym}>{shortPseudonym(p.pseudonym)}</td>
              <td>{p.birthYear}</td>
              <td>{new Date(p.createdAt).toLocaleDateString()}</td>
              <td>
                <button type="button" onClick={() => (chosenPatient.value = { id: p.id, label: shortPseudonym(p.pseudonym) })}>
                  {t('records.patient.select')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {signedIn && patients?.length === 0 && pending.length === 0 && <p class="records-hint">{t('records.patients.none')}</p>}
    </section>
  );
}
