import type { RecordsTx } from './database/records-database.js';

/**
 * A centre's records as a FHIR R5 Bundle (type "collection", https://hl7.org/fhir/R5/bundle.html): Patient
 * (pseudonym as identifier, birth year only, no name), Procedure (the ablation with its delivered energy and
 * times as extensions), Observation (NPV ratio and volumes, predicted and observed), AdverseEvent (SIR and
 * Clavien–Dindo grades), Observation of follow-up visits (UFS-QOL, fibroid volume, re-intervention), and a ResearchStudy with one ResearchSubject per patient. References are urn:uuid
 * fullUrls. Quantities in UCUM: J, s, m3, and 1 for ratios.
 */
type Resource = Record<string, unknown> & { resourceType: string; id: string };

const EXT = 'https://openfuas.org/fhir/StructureDefinition';
const ucum = (value: number, code: string) => ({ value, unit: code, system: 'http://unitsofmeasure.org', code });
const ref = (id: string) => ({ reference: `urn:uuid:${id}` });

export async function fhirBundle(tx: RecordsTx, centreId: string): Promise<Record<string, unknown>> {
  const centre = await tx.selectFrom('centre').select(['code', 'name']).where('id', '=', centreId).executeTakeFirstOrThrow();
  const patients = await tx.selectFrom('patient').select(['id', 'pseudonym', 'birth_year']).orderBy('id').execute();
  const treatments = await tx
    .selectFrom('treatment_session')
    .select(['id', 'patient_id', 'date', 'delivered_energy', 'sonication_time', 'treatment_time'])
    .orderBy('id')
    .execute();
  const outcomes = await tx.selectFrom('outcome').selectAll().orderBy('id').execute();
  const events = await tx.selectFrom('adverse_event').selectAll().orderBy('id').execute();
  const patientOf = new Map(treatments.map((t) => [t.id, t.patient_id]));
  const dateOf = new Map(treatments.map((t) => [t.id, t.date]));
  const resources: Resource[] = [];
  const studyId = centreId; // one study per centre's registry; the centre's id is a uuid of its own
  resources.push({
    resourceType: 'ResearchStudy',
    id: studyId,
    status: 'active',
    title: `OpenFUAS treatment registry, centre ${centre.code}`,
  });
  for (const p of patients) {
    resources.push({
      resourceType: 'Patient',
      id: p.id,
      identifier: [{ system: `urn:openfuas:centre:${centre.code}:pseudonym`, value: p.pseudonym }],
      birthDate: String(p.birth_year),
    });
    resources.push({ resourceType: 'ResearchSubject', id: crypto.randomUUID(), status: 'active', study: ref(studyId), subject: ref(p.id) });
  }
  for (const t of treatments) {
    const extension = [];
    if (t.delivered_energy !== null) extension.push({ url: `${EXT}/delivered-energy`, valueQuantity: ucum(t.delivered_energy, 'J') });
    if (t.sonication_time !== null) extension.push({ url: `${EXT}/sonication-time`, valueQuantity: ucum(t.sonication_time, 's') });
    if (t.treatment_time !== null) extension.push({ url: `${EXT}/treatment-time`, valueQuantity: ucum(t.treatment_time, 's') });
    resources.push({
      resourceType: 'Procedure',
      id: t.id,
      status: 'completed',
      code: { text: 'Focused ultrasound ablation surgery (HIFU/FUAS)' },
      subject: ref(t.patient_id),
      occurrenceDateTime: t.date,
      extension,
    });
  }
  const observation = (
    o: (typeof outcomes)[number],
    what: string,
    value: number | null,
    unit: string,
    method: 'observed' | 'predicted',
  ) => {
    if (value === null) return;
    resources.push({
      resourceType: 'Observation',
      id: crypto.randomUUID(),
      status: 'final',
      code: { text: what },
      method: { text: method === 'observed' ? 'contrast-enhanced MRI after treatment' : 'OpenFUAS simulation before treatment' },
      subject: ref(patientOf.get(o.treatment_id)!),
      partOf: [ref(o.treatment_id)],
      effectiveDateTime: o.imaging_date ?? dateOf.get(o.treatment_id),
      valueQuantity: ucum(value, unit),
    });
  };
  for (const o of outcomes) {
    observation(o, 'Non-perfused volume ratio', o.npv_ratio_observed, '1', 'observed');
    observation(o, 'Non-perfused volume ratio', o.npv_ratio_predicted, '1', 'predicted');
    observation(o, 'Non-perfused volume', o.npv_volume_observed, 'm3', 'observed');
    observation(o, 'Non-perfused volume', o.npv_volume_predicted, 'm3', 'predicted');
    observation(o, 'Target (fibroid) volume', o.target_volume, 'm3', 'observed');
  }
  for (const e of events) {
    const grades = [];
    if (e.sir_grade)
      grades.push({ system: `${EXT}/sir-adverse-event-classification`, code: e.sir_grade, display: `SIR class ${e.sir_grade}` });
    if (e.clavien_dindo)
      grades.push({ system: `${EXT}/clavien-dindo`, code: e.clavien_dindo, display: `Clavien–Dindo grade ${e.clavien_dindo}` });
    resources.push({
      resourceType: 'AdverseEvent',
      id: e.id,
      status: 'completed',
      actuality: 'actual',
      code: { text: e.description },
      subject: ref(patientOf.get(e.treatment_id)!),
      occurrenceDateTime: e.onset_date ?? dateOf.get(e.treatment_id),
      seriousness: grades.length ? { coding: grades } : undefined,
      suspectEntity: [{ instanceReference: ref(e.treatment_id) }],
      study: [ref(studyId)],
    });
  }
  // follow-up visits: UFS-QOL scores (score units "1", 0–100), fibroid volume (m3), re-intervention (boolean)
  const visits = await tx.selectFrom('follow_up').selectAll().orderBy('visit_date').orderBy('id').execute();
  for (const v of visits) {
    const visit = (what: string, value: Record<string, unknown>) =>
      resources.push({
        resourceType: 'Observation',
        id: crypto.randomUUID(),
        status: 'final',
        code: { text: what },
        method: { text: 'follow-up visit' },
        subject: ref(v.patient_id),
        ...(v.treatment_id ? { partOf: [ref(v.treatment_id)] } : {}),
        effectiveDateTime: v.visit_date,
        ...value,
      });
    if (v.ufs_qol_symptom_severity !== null)
      visit('UFS-QOL symptom severity score', { valueQuantity: ucum(v.ufs_qol_symptom_severity, '1') });
    if (v.ufs_qol_hrql !== null) visit('UFS-QOL health-related quality of life score', { valueQuantity: ucum(v.ufs_qol_hrql, '1') });
    if (v.fibroid_volume !== null) visit('Fibroid volume', { valueQuantity: ucum(v.fibroid_volume, 'm3') });
    visit('Re-intervention since treatment', {
      valueBoolean: v.reintervention,
      ...(v.reintervention_type ? { note: [{ text: v.reintervention_type }] } : {}),
    });
  }
  return {
    resourceType: 'Bundle',
    id: crypto.randomUUID(),
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: resources.map((r) => ({ fullUrl: `urn:uuid:${r.id}`, resource: r })),
  };
}
