import { t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { AnalyticsPanel } from './analytics-panel.js';
import { ConnectPanel } from './connect-panel.js';
import { OutboxPanel } from './outbox-panel.js';
import { PatientsPanel } from './patients-panel.js';
import { pushOutbox } from './records-writer.js';
import { TreatmentPanel } from './treatment-panel.js';
import './records.css';

/**
 * The workstation's Records screen (issue 14): connect to a records server and sign in, find or add a patient
 * (pseudonymised by the server), record the last finished treatment simulation as a treatment with its predicted
 * outcome, add the observed outcome, see the analytics; records wait in the browser's outbox while the server
 * cannot be reached.
 */
export function RecordsScreen() {
  useLanguage();
  return (
    <div class="records-screen" data-testid="records-screen">
      <header class="records-header">
        <h2>{t('records.title')}</h2>
        <p class="records-hint">{t('records.notice')}</p>
      </header>
      <div class="records-columns">
        <div class="records-column">
          <ConnectPanel onSignedIn={() => void pushOutbox()} />
          <PatientsPanel />
          <TreatmentPanel />
          <OutboxPanel />
        </div>
        <div class="records-column records-column-wide">
          <AnalyticsPanel />
        </div>
      </div>
    </div>
  );
}
