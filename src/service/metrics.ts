// A small Prometheus registry (counters, gauges, histograms with labels) rendered in the text exposition format
// 0.0.4 for /metrics. Hand-written because the service needs only these three kinds.

type Labels = Record<string, string>;

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (names: readonly string[], values: readonly string[], extra = ''): string => {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i])}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
};
const num = (x: number): string => (Number.isFinite(x) ? String(x) : x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN');

abstract class Metric {
  protected readonly series = new Map<string, { values: string[]; data: number[] }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}
  /** The one series of a metric without labels (the hot counters skip the key building below). */
  protected plain: number[] | undefined;
  protected entry(labels: Labels | undefined, size: number): number[] {
    if (this.plain && labels === undefined) return this.plain;
    const values = this.labelNames.map((n) => labels?.[n] ?? '');
    const key = values.join('\u0000');
    let e = this.series.get(key);
    if (!e) {
      e = { values, data: new Array<number>(size).fill(0) };
      this.series.set(key, e);
    }
    if (this.labelNames.length === 0 && labels === undefined) this.plain = e.data;
    return e.data;
  }
  abstract render(): string;
}

export class Counter extends Metric {
  inc(labels?: Labels, by = 1): void {
    this.entry(labels, 1)[0] += by;
  }
  /** Sets a total counted elsewhere (the process's CPU seconds); it must only grow. */
  setTotal(labels: Labels | undefined, value: number): void {
    this.entry(labels, 1)[0] = value;
  }
  render(): string {
    let s = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const e of this.series.values()) s += `${this.name}${labelText(this.labelNames, e.values)} ${num(e.data[0])}\n`;
    return s;
  }
}

export class Gauge extends Metric {
  set(labels: Labels | undefined, value: number): void {
    this.entry(labels, 1)[0] = value;
  }
  /** Replaces every series (for gauges read from a snapshot, such as vehicles per status). */
  reset(): void {
    this.series.clear();
    this.plain = undefined;
  }
  render(): string {
    let s = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n`;
    for (const e of this.series.values()) s += `${this.name}${labelText(this.labelNames, e.values)} ${num(e.data[0])}\n`;
    return s;
  }
}

export class Histogram extends Metric {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
  }
  /** Layout of a series: one count per bucket, then +Inf count, sum. */
  observe(labels: Labels | undefined, value: number): void {
    const d = this.entry(labels, this.buckets.length + 2);
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) d[i]++;
    d[this.buckets.length]++;
    d[this.buckets.length + 1] += value;
  }
  render(): string {
    let s = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    const n = this.buckets.length;
    for (const e of this.series.values()) {
      for (let i = 0; i < n; i++) s += `${this.name}_bucket${labelText(this.labelNames, e.values, `le="${this.buckets[i]}"`)} ${e.data[i]}\n`;
      s += `${this.name}_bucket${labelText(this.labelNames, e.values, 'le="+Inf"')} ${e.data[n]}\n`;
      s += `${this.name}_sum${labelText(this.labelNames, e.values)} ${num(e.data[n + 1])}\n`;
      s += `${this.name}_count${labelText(this.labelNames, e.values)} ${e.data[n]}\n`;
    }
    return s;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  private readonly collectors: (() => void)[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }
  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }
  /** Runs just before each render (to refresh gauges from live state). */
  onCollect(fn: () => void): void {
    this.collectors.push(fn);
  }
  render(): string {
    for (const c of this.collectors) c();
    return this.metrics.map((m) => m.render()).join('');
  }
  private add<M extends Metric>(m: M): M {
    if (this.metrics.some((x) => x.name === m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.metrics.push(m);
    return m;
  }
}

/** Request latency buckets in seconds: 1 ms … 5 s. */
export const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
