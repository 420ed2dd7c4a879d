// Asks the server what to show (a replay of one run, or two side by side) and starts the dashboard.
import './style.css';
import { decodeReplayScene } from '../../src/core/replay/bundle.js';
import { Dashboard } from './dashboard.js';

interface DashboardInfo {
  mode: 'replay' | 'live';
  runs?: number;
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url} (${res.status} ${res.statusText})`);
  return res;
}

async function start(): Promise<void> {
  const info = (await (await fetchOk('api/dashboard')).json()) as DashboardInfo;
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
