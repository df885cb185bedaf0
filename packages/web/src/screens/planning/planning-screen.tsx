import { useLayoutEffect, useRef } from 'preact/hooks';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { CasePanel } from './case-panel.js';
import { PlanPanel } from './plan-panel.js';
import {
  TABS,
  activeTab,
  caseActions,
  planActions,
  planState,
  simulateActions,
  startPlanning,
  viewerControls,
} from './planning-session.js';
import { ResultsPanel } from './results-panel.js';
import { SimulatePanel } from './simulate-panel.js';
import { simulation } from './simulate-state.js';
import { StatusBar } from './status-bar.js';
import { ViewerArea } from './viewer-area.js';

/**
 * The planning screen: the case viewer, the side panel with its tabs (case, plan, simulate, results) and the
 * status bar. It starts the planning session once mounted (the page's first screen; it stays mounted while hidden).
 */
export function PlanningScreen({ root, t0 }: { root: HTMLElement; t0: number }) {
  useLanguage();
  const canvas = useRef<HTMLCanvasElement>(null);
  const preview = useRef<HTMLCanvasElement>(null);
  const simulatePanel = useRef<HTMLDivElement>(null);
  const resultsPanel = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (!canvas.current || !preview.current || !simulatePanel.current || !resultsPanel.current) return;
    startPlanning(
      { root, canvas: canvas.current, preview: preview.current, simulatePanel: simulatePanel.current, resultsPanel: resultsPanel.current },
      t0,
    );
  }, [root, t0]);
  const tab = activeTab.value;
  const body = (name: (typeof TABS)[number]) => ({
    class: 'tab-body',
    role: 'tabpanel' as const,
    'data-testid': `panel-${name}`,
    hidden: tab !== name,
  });
  return (
    <>
      <div class="workspace">
        <ViewerArea canvas={canvas} preview={preview} onShow3D={viewerControls.setShow3D} onLabelOpacity={viewerControls.setLabelOpacity} />
        <aside class="side-panel">
          {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the tab bar as it was (a nav holding the tabs) */}
          <nav class="tabs" role="tablist">
            {TABS.map((name) => (
              <button
                key={name}
                role="tab"
                data-testid={`tab-${name}`}
                type="button"
                aria-selected={name === tab ? 'true' : 'false'}
                onClick={() => {
                  activeTab.value = name;
                }}
              >
                {t(`tab.${name}` as MessageKey)}
              </button>
            ))}
          </nav>
          <div class="tab-bodies">
            <div {...body('case')}>
              <CasePanel actions={caseActions} />
            </div>
            <div {...body('plan')}>
              <PlanPanel actions={planActions} state={planState} />
            </div>
            <div {...body('simulate')} data-running={String(simulation.running.value)} ref={simulatePanel}>
              <SimulatePanel actions={simulateActions} />
            </div>
            <div {...body('results')} ref={resultsPanel}>
              <ResultsPanel />
            </div>
          </div>
        </aside>
      </div>
      <StatusBar />
    </>
  );
}
