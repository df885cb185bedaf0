import { VERSION, canShareMemory, getTissue } from '@openfuas/core';
import './style.css';

// The workstation's shell. Later issues fill it (case viewer, planning, simulation); for now it says what the
// system is, shows the version and proves the core library runs in the page.
function render(root: HTMLElement): void {
  const fibroid = getTissue('fibroid');
  root.innerHTML = `
    <header class="bar"><h1>OpenFUAS</h1><span class="version" data-testid="version">v${VERSION}</span></header>
    <main class="intro" data-testid="app-ready">
      <p>An open focused-ultrasound ablation (HIFU / FUAS) workstation: acoustic fields of focused transducers
      through the body, heating and thermal dose, treatment planning on a patient's images, and a predicted outcome.</p>
      <p>Research and training software; not a medical device.</p>
      <dl class="facts">
        <dt>Core library</dt><dd>loaded (fibroid sound speed ${fibroid.soundSpeed} m/s)</dd>
        <dt>Shared memory for workers</dt><dd data-testid="isolation">${canShareMemory() && globalThis.crossOriginIsolated ? 'available' : 'unavailable'}</dd>
      </dl>
    </main>`;
}

render(document.getElementById('app') as HTMLElement);
