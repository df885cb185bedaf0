import { canShareMemory } from '@openfuas/core';
import { signal } from '@preact/signals';
import { currentCase } from '../../app/workstation-state.js';
import { depthFromSkin } from '../../engine/case-geometry.js';
import { type MessageKey, structureName, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { fmt } from '../../ui/dom.js';
import { temperatureText } from '../../ui/temperature-text.js';
import type { ViewerLocation } from '../../viewer/viewer.js';

/** What is under the crosshair (null before the viewer reports any). */
export const crosshairLocation = signal<ViewerLocation | null>(null);
/** The status bar's message, as key and parameters so that it follows language changes. */
export const statusMessage = signal<[MessageKey, Record<string, string | number>] | null>(null);

/** Shows a message in the status bar. */
export function setMessage(key: MessageKey, params: Record<string, string | number> = {}): void {
  statusMessage.value = [key, params];
}

function Field({ label, testId, value, hidden }: { label: MessageKey; testId: string; value: string; hidden?: boolean }) {
  return (
    <span class="field" hidden={hidden}>
      <span class="label">{t(label)}</span>
      <span class="value" data-testid={testId}>
        {value}
      </span>
    </span>
  );
}

/** The status bar: position, voxel, tissue, depth from skin, intensity and temperature under the crosshair; messages. */
export function StatusBar() {
  useLanguage();
  const loc = crosshairLocation.value;
  const c = currentCase.value;
  const msg = statusMessage.value;
  let tissue = '–';
  if (loc && c && loc.label !== null) {
    const name = Object.entries(c.structures).find(([, v]) => v === loc.label)?.[0];
    tissue = name ? structureName(name) : t('tissue.unknown', { n: loc.label });
  }
  const depth = loc && c && loc.voxel ? depthFromSkin(c, loc.voxel) : null;
  const depthText = !loc
    ? '–'
    : depth === null
      ? loc.label !== null
        ? t('status.depthOutside')
        : '–'
      : `${fmt(depth * 1000, 1)} ${t('unit.mm')}`;
  const temp = loc?.overlays.temperature;
  return (
    <footer class="statusbar" data-testid="statusbar">
      <Field
        label="status.position"
        testId="status-position"
        value={loc ? `${loc.mm.map((v) => fmt(v, 1)).join(', ')} ${t('unit.mm')}` : '–'}
      />
      <Field label="status.voxel" testId="status-voxel" value={loc?.voxel ? loc.voxel.join(', ') : '–'} />
      <Field label="status.tissue" testId="status-tissue" value={tissue} />
      <Field label="status.depth" testId="status-depth" value={depthText} />
      <Field label="status.intensity" testId="status-image" value={loc ? fmt(loc.image, 0) : '–'} />
      <Field
        label="status.temperature"
        testId="status-temperature"
        value={temp === undefined ? '–' : temperatureText(temp).text}
        hidden={temp === undefined}
      />
      <span class="spacer" />
      <span class="message" data-testid="status-message">
        {msg ? t(msg[0], msg[1]) : ''}
      </span>
      <span class="threads" data-testid="status-threads">
        {canShareMemory() && globalThis.crossOriginIsolated
          ? t('status.threads', { n: navigator.hardwareConcurrency || 1 })
          : t('app.isolation.off')}
      </span>
    </footer>
  );
}
