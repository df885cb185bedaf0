import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import { pending } from './offline-store.js';
import type { PatientSummary } from './records-client.js';
import { client, session } from './records-session.js';
import { chosenPatient, knownPatients, patientsStamp } from './records-state.js';
import { addPatient } from './records-writer.js';

const shortPseudonym = (p: string) => `${p.slice(0, 10)}…`;

/**
 * The centre's patients (pseudonyms only: the server keeps an HMAC of the local identifier) and a form that adds
 * a patient or finds one already recorded: the server answers a known local identifier with that patient's id.
 * Without a server (unreachable, or not signed in) the patient goes into the browser's offline store and its outbox.
 */
export function PatientsPanel() {
  const [patients, setPatients] = useState<PatientSummary[] | null>(null);
  const [listError, setListError] = useState('');
  const [localId, setLocalId] = useState('');
  const [birthYear, setBirthYear] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const signedIn = session.value !== null;
  const stamp = patientsStamp.value;
  const waiting = pending.value.filter((e) => e.entity === 'patient');

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
    setMessage(null);
    const r = await addPatient(label, Number(birthYear));
    if (r.where === 'refused') {
      setMessage({ ok: false, text: r.text });
      return;
    }
    chosenPatient.value = { id: r.id, label };
    setLocalId('');
    if (r.where === 'server') setMessage({ ok: true, text: t(r.existed ? 'records.patient.found' : 'records.patient.added', { label }) });
    else setMessage({ ok: true, text: t('records.patient.offline', { label }) });
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
          {waiting.map((e) => {
            const label = knownPatients.get(e.id)?.localId ?? `${e.id.slice(0, 8)}…`;
            return (
              <tr key={`o${e.seq}`} data-pending="true" class={chosen?.id === e.id ? 'chosen' : ''}>
                <td>
                  {label} ({t('records.patient.pending')})
                </td>
                <td>{knownPatients.get(e.id)?.birthYear ?? ''}</td>
                <td />
                <td>
                  <button type="button" onClick={() => (chosenPatient.value = { id: e.id, label })}>
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
      {signedIn && patients?.length === 0 && waiting.length === 0 && <p class="records-hint">{t('records.patients.none')}</p>}
    </section>
  );
}
