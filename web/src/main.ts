// Loads the replay bundle from the server that served this page and starts the dashboard.
import './style.css';
import { decodeReplayScene } from '../../src/core/replay/bundle.js';
import { Dashboard } from './dashboard.js';

async function start(): Promise<void> {
  const res = await fetch('api/replay');
  if (!res.ok) throw new Error(`could not load the replay (${res.status} ${res.statusText})`);
  const scene = decodeReplayScene(await res.arrayBuffer());
  const dashboard = new Dashboard(scene);
  await dashboard.whenLoaded();
}

start().catch((err: unknown) => {
  const box = document.getElementById('error')!;
  box.hidden = false;
  box.textContent = `The dashboard could not start: ${(err as Error).message ?? String(err)}`;
  console.error(err);
});
