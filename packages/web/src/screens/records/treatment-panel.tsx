import { useEffect, useState } from 'preact/hooks';
import { lastTreatment } from '../../app/workstation-state.js';
import { t } from '../../i18n/i18n.js';
import { client, session } from './records-session.js';
import { chosenPatient, patientsStamp, recordedTreatments } from './records-state.js';
import { type WriteResult, recordOutcome, recordTreatment } from './records-writer.js';
import { observedOutcome, today, treatmentFromSimulation } from './treatment-from-simulation.js';

const pct = (r: number) => (100 * r).toFixed(1);

/** The message for a write: on the server, kept offline, or refused (with the reason). */
const said = (r: WriteResult, onServer: string, offline: string) =>
  r.where === 'server' ? { ok: true, text: onServer } : r.where === 'offline' ? { ok: true, text: offline } : { ok: false, text: r.text };

/**
 * Records the last finished treatment simulation (plan and predicted outcome) as a treatment of the chosen
 * patient, and adds the observed outcome (NPV ratio on post-treatment contrast MRI) to a treatment later.
 */
export function TreatmentPanel() {
  const sim = lastTreatment.value;
  const patient = chosenPatient.value;
  const [date, setDate] = useState(today());
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const record = async () => {
    if (!sim || !patient) return;
    setBusy(true);
    setMessage(null);
    const body = treatmentFromSimulation(sim, patient.id, date);
    const r = await recordTreatment(body);
    if (r.where !== 'refused')
      recordedTreatments.value = [
        ...recordedTreatments.value,
        { id: body.id, patient: patient.id, date, predicted: body.outcome.npvRatioPredicted },
      ];
    setMessage(said(r, t('records.treatment.recorded', { id: body.id.slice(0, 8) }), t('records.treatment.offline')));
    setBusy(false);
  };

  const o = sim?.result.outcome;
  return (
    <section class="records-panel" data-testid="records-treatment">
      <h3>{t('records.treatment')}</h3>
      {o && sim ? (
        <p data-testid="records-simulation">
          {t('records.treatment.simulation', {
            points: sim.plan.sonications.length,
            energy: (o.energy / 1000).toFixed(1),
            npv: pct(o.npvRatio),
          })}
        </p>
      ) : (
        <p class="records-hint" data-testid="records-no-simulation">
          {t('records.treatment.noSimulation')}
        </p>
      )}
      {!patient && <p class="records-hint">{t('records.treatment.needPatient')}</p>}
      <div class="records-row">
        <label>
          {t('records.treatment.date')}{' '}
          <input
            type="date"
            value={date}
            onInput={(e) => setDate((e.target as HTMLInputElement).value)}
            data-testid="records-treatment-date"
          />
        </label>
        <button type="button" disabled={!sim || !patient || !date || busy} onClick={record} data-testid="records-treatment-record">
          {t('records.treatment.record')}
        </button>
      </div>
      {message && (
        <p class={message.ok ? 'records-ok' : 'records-error'} data-testid="records-treatment-message">
          {message.text}
        </p>
      )}
      <ObservedOutcomeForm />
    </section>
  );
}

/** The observed outcome of one of the chosen patient's treatments (those on the server and those recorded here). */
function ObservedOutcomeForm() {
  const patient = chosenPatient.value;
  const signedIn = session.value !== null;
  const stamp = patientsStamp.value;
  const [onServer, setOnServer] = useState<string[]>([]);
  const [treatment, setTreatment] = useState('');
  const [npv, setNpv] = useState('');
  const [npvMl, setNpvMl] = useState('');
  const [imagingDate, setImagingDate] = useState(today());
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    setOnServer([]);
    if (!patient || !signedIn) return;
    let live = true;
    client.value.patient(patient.id).then(
      (p) => live && setOnServer(p.treatments ?? []),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [patient?.id, signedIn, stamp]);

  const here = recordedTreatments.value.filter((r) => r.patient === patient?.id);
  const choices = [...new Set([...here.map((r) => r.id), ...onServer])];
  const chosen = choices.includes(treatment) ? treatment : (here.at(-1)?.id ?? choices[0] ?? '');

  const save = async (ev: Event) => {
    ev.preventDefault();
    setMessage(null);
    const outcome = observedOutcome({
      npvPercent: Number(npv),
      npvMl: npvMl.trim() === '' ? undefined : Number(npvMl),
      imagingDate: imagingDate || undefined,
    });
    if (!outcome || !chosen) {
      setMessage({ ok: false, text: t('records.outcome.invalid') });
      return;
    }
    const r = await recordOutcome(chosen, outcome);
    setMessage(said(r, t('records.outcome.saved'), t('records.outcome.offline')));
  };

  if (!patient) return null;
  return (
    <form class="records-subpanel" onSubmit={save} data-testid="records-outcome-form">
      <h4>{t('records.outcome')}</h4>
      {choices.length === 0 ? (
        <p class="records-hint">{t('records.outcome.none')}</p>
      ) : (
        <>
          <div class="records-row">
            <label>
              {t('records.outcome.treatment')}{' '}
              <select
                value={chosen}
                onChange={(e) => setTreatment((e.target as HTMLSelectElement).value)}
                data-testid="records-outcome-treatment"
              >
                {choices.map((id) => {
                  const r = here.find((x) => x.id === id);
                  return (
                    <option key={id} value={id}>
                      {r ? `${r.date} · ${id.slice(0, 8)}` : id.slice(0, 8)}
                    </option>
                  );
                })}
              </select>
            </label>
          </div>
          <div class="records-row">
            <label>
              {t('records.outcome.npv')}{' '}
              <input
                type="number"
                min={0}
                max={100}
                step="any"
                required
                value={npv}
                onInput={(e) => setNpv((e.target as HTMLInputElement).value)}
                data-testid="records-outcome-npv"
              />
            </label>
            <label>
              {t('records.outcome.npvMl')}{' '}
              <input
                type="number"
                min={0}
                step="any"
                value={npvMl}
                onInput={(e) => setNpvMl((e.target as HTMLInputElement).value)}
                data-testid="records-outcome-npv-ml"
              />
            </label>
            <label>
              {t('records.outcome.date')}{' '}
              <input
                type="date"
                value={imagingDate}
                onInput={(e) => setImagingDate((e.target as HTMLInputElement).value)}
                data-testid="records-outcome-date"
              />
            </label>
            <button type="submit" data-testid="records-outcome-save">
              {t('records.outcome.save')}
            </button>
          </div>
        </>
      )}
      {message && (
        <p class={message.ok ? 'records-ok' : 'records-error'} data-testid="records-outcome-message">
          {message.text}
        </p>
      )}
    </form>
  );
}
