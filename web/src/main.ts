// Asks the server what to show (a replay of one or two runs, or the live service) and starts that dashboard.
import './style.css';
import { decodeReplayScene } from '../../src/core/replay/bundle.js';
import { setBasemap } from './basemap.js';
import { Dashboard } from './dashboard.js';
import { LiveDashboard } from './live.js';

interface DashboardInfo {
  mode: 'replay' | 'live';
  runs?: number;
  /** `--basemap`: a raster tile template or a MapLibre style URL, drawn under the roads. */
  basemap?: string;
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url} (${res.status} ${res.statusText})`);
  return res;
}

async function start(): Promise<void> {
  const info = (await (await fetchOk('api/dashboard')).json()) as DashboardInfo;
  setBasemap(info.basemap);
  if (info.mode === 'live') {
    const scene = decodeReplayScene(await (await fetchOk('api/live/network')).arrayBuffer());
    await new LiveDashboard(scene).whenLoaded();
    return;
  }
  const runs = info.runs ?? 1;
  const scenes = await Promise.all(Array.from({ length: runs }, async (_, i) => decodeReplayScene(await (await fetchOk(`api/runs/${i}/replay`)).arrayBuffer())));
  await new Dashboard(scenes).whenLoaded();
}

start().catch((err: unknown) => {
  const box = document.getElementById('error')!;
  box.hidden = false;
  box.textContent = `The dashboard could not start: ${(err as Error).message ?? String(err)}`;
  console.error(err);
});
