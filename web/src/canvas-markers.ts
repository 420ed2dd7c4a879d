// Cars and waiting riders rasterised by the CPU into a 2D canvas laid over the map: the marker renderer for machines
// whose WebGL is software (SwiftShader, llvmpipe — headless Chromium here, VMs, remote desktops). There a WebGL frame
// of 10,000 dots costs 0.1–0.6 s; writing the dots' pixels into one ImageData costs a few milliseconds.
// See docs/decisions/0011-replay-dashboard-rendering.md. Positions use the map's own Web Mercator transform
// (no rotation or pitch: the dashboard's map allows neither).
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { MarkerFrame } from '../../src/core/replay/frame.js';
import { ACTIVITY_RGBA, BACKGROUND, CAR_MAX_RADIUS_PX, CAR_MIN_RADIUS_PX, CAR_RADIUS_M, rgba, RIDER_COLOR, riderAlpha, riderRadiusPx } from './palette.js';

/**
 * The pixels of a disc, split into fill and outline, for a radius in device pixels: as dy · 65536 + dx (to clip at
 * the canvas edges) and as dy · width + dx (to write directly away from them).
 */
interface DiscMask {
  fill: Int32Array;
  outline: Int32Array;
  fillAt: Int32Array;
  outlineAt: Int32Array;
  reach: number;
}

const EARTH_CIRCUMFERENCE_M = 40_075_016.686;

export class CanvasMarkers {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private image: ImageData | undefined;
  private pixels = new Uint32Array(0);
  private width = 0;
  private height = 0;
  private dpr = 1;
  private readonly masks = new Map<string, DiscMask>();
  /** Screen position (CSS px in the map) and radius of each car marker as last drawn, for picking. */
  private carX = new Float32Array(0);
  private carY = new Float32Array(0);
  private carRadiusPx = 0;
  private drawnCars = 0;
  /** Screen position (CSS px in the map) and radius of each rider marker as last drawn, for picking. */
  private riderX = new Float32Array(0);
  private riderY = new Float32Array(0);
  private riderR = new Float32Array(0);
  private drawnRiders = 0;
  /** Colours as the canvas stores them (ABGR in a little-endian Uint32). */
  private readonly activityColors: Uint32Array;
  private readonly outlineColor: number;
  private readonly riderRgb: [number, number, number];

  constructor(private readonly map: MapLibreMap) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'markers-canvas';
    Object.assign(this.canvas.style, { position: 'absolute', left: '0', top: '0', pointerEvents: 'none' });
    map.getCanvasContainer().appendChild(this.canvas);
    this.ctx = this.canvas.getContext('2d')!;
    const packed = (c: ArrayLike<number>): number => ((c[3] << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;
    this.activityColors = Uint32Array.from({ length: ACTIVITY_RGBA.length / 4 }, (_, a) => packed(ACTIVITY_RGBA.subarray(4 * a, 4 * a + 4)));
    this.outlineColor = packed(rgba(BACKGROUND, 255));
    const [r, g, b] = rgba(RIDER_COLOR);
    this.riderRgb = [r, g, b];
  }

  /** Draws the frame's riders, then its cars over them, for the map's current view. */
  draw(frame: MarkerFrame): void {
    this.fitToMap();
    const px = this.pixels;
    px.fill(0);
    const { x0, y0, scale, metresPerPx, centerLat } = this.transform();
    // Web Mercator y is log(tan(…)) of the latitude: a cubic in (lat − centre) instead is exact to well under a pixel
    // across a city at any zoom, and spares two transcendental calls per marker per frame.
    const my = mercYSeries(centerLat, scale);
    // Map x in CSS px is linear in longitude.
    const kx = scale / 360;
    const bx = 180 * kx - x0;
    const dpr = this.dpr;
    const w = this.width;
    const h = this.height;

    // Riders: translucent discs, growing and darkening with the wait (as in the deck.gl renderer).
    const [rr, rg, rb] = this.riderRgb;
    if (this.riderX.length < frame.riderCount) {
      this.riderX = new Float32Array(frame.riderWaitS.length);
      this.riderY = new Float32Array(frame.riderWaitS.length);
      this.riderR = new Float32Array(frame.riderWaitS.length);
    }
    for (let i = 0; i < frame.riderCount; i++) {
      const sx = frame.riderPositions[2 * i] * kx + bx;
      const d = frame.riderPositions[2 * i + 1] - my.lat0;
      const sy = my.y0 + d * (my.a + d * (my.b + d * my.c)) - y0;
      const x = Math.round(sx * dpr);
      const y = Math.round(sy * dpr);
      const waitS = frame.riderWaitS[i];
      const radius = riderRadiusPx(waitS);
      this.riderX[i] = sx;
      this.riderY[i] = sy;
      this.riderR[i] = radius;
      const mask = this.mask(radius * dpr, 0);
      const alpha = riderAlpha(waitS) / 255;
      blendDisc(px, w, h, x, y, mask.fill, rr, rg, rb, alpha);
    }

    // Cars: with a thin dark outline so that neighbours stay apart.
    const radiusPx = Math.min(CAR_MAX_RADIUS_PX, Math.max(CAR_MIN_RADIUS_PX, CAR_RADIUS_M / metresPerPx));
    const mask = this.mask(radiusPx * dpr, Math.max(1, Math.round(0.7 * dpr)));
    if (this.carX.length < frame.carCount) {
      this.carX = new Float32Array(frame.carPositions.length / 2);
      this.carY = new Float32Array(frame.carPositions.length / 2);
    }
    const colors = this.activityColors;
    const outline = this.outlineColor;
    for (let i = 0; i < frame.carCount; i++) {
      const sx = frame.carPositions[2 * i] * kx + bx;
      const d = frame.carPositions[2 * i + 1] - my.lat0;
      const sy = my.y0 + d * (my.a + d * (my.b + d * my.c)) - y0;
      this.carX[i] = sx;
      this.carY[i] = sy;
      const x = Math.round(sx * dpr);
      const y = Math.round(sy * dpr);
      const reach = mask.reach;
      if (x < -reach || y < -reach || x >= w + reach || y >= h + reach) continue;
      const color = colors[frame.carActivity[i]];
      if (x >= reach && y >= reach && x < w - reach && y < h - reach) {
        const at = y * w + x;
        for (let k = 0; k < mask.fillAt.length; k++) px[at + mask.fillAt[k]] = color;
        for (let k = 0; k < mask.outlineAt.length; k++) px[at + mask.outlineAt[k]] = outline;
      } else {
        stampClipped(px, w, h, x, y, mask.fill, color);
        stampClipped(px, w, h, x, y, mask.outline, outline);
      }
    }
    this.drawnCars = frame.carCount;
    this.drawnRiders = frame.riderCount;
    this.carRadiusPx = radiusPx;
    this.ctx.putImageData(this.image!, 0, 0);
  }

  /** The marker index of the car drawn nearest to a point of the map (CSS px), if one is within reach of a click. */
  pick(x: number, y: number): number | undefined {
    const reach = Math.max(6, this.carRadiusPx + 3);
    let best = -1;
    let bestD = reach * reach;
    // The last drawn is on top: scan backwards so that it wins ties.
    for (let i = this.drawnCars - 1; i >= 0; i--) {
      const dx = this.carX[i] - x;
      const dy = this.carY[i] - y;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best >= 0 ? best : undefined;
  }

  /** The marker index of the rider drawn nearest to a point of the map (CSS px), if one is within reach of a click. */
  pickRider(x: number, y: number): number | undefined {
    let best = -1;
    let bestD = Infinity;
    for (let i = this.drawnRiders - 1; i >= 0; i--) {
      const dx = this.riderX[i] - x;
      const dy = this.riderY[i] - y;
      const d = dx * dx + dy * dy;
      const reach = Math.max(6, this.riderR[i] + 3);
      if (d < reach * reach && d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best >= 0 ? best : undefined;
  }

  /** Map-relative CSS px = mercator × scale − (x0, y0), from the map's centre and zoom (512-px tiles). */
  private transform(): { x0: number; y0: number; scale: number; metresPerPx: number; centerLat: number } {
    const center = this.map.getCenter();
    const scale = 512 * 2 ** this.map.getZoom();
    const box = this.map.getContainer();
    return {
      x0: mercX(center.lng) * scale - box.clientWidth / 2,
      y0: mercY(center.lat) * scale - box.clientHeight / 2,
      scale,
      metresPerPx: (EARTH_CIRCUMFERENCE_M * Math.cos((center.lat * Math.PI) / 180)) / scale,
      centerLat: center.lat,
    };
  }

  private fitToMap(): void {
    const box = this.map.getContainer();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(box.clientWidth * dpr));
    const h = Math.max(1, Math.round(box.clientHeight * dpr));
    if (w === this.width && h === this.height && this.image) return;
    this.width = w;
    this.height = h;
    this.dpr = dpr;
    this.canvas.width = w;
    this.canvas.height = h;
    this.canvas.style.width = `${box.clientWidth}px`;
    this.canvas.style.height = `${box.clientHeight}px`;
    this.image = this.ctx.createImageData(w, h);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.masks.clear();
  }

  /** Pixel offsets (dy · width + dx) of a disc of the radius, the outermost `outlinePx` as outline; cached. */
  private mask(radiusPx: number, outlinePx: number): DiscMask {
    const r = Math.max(1, Math.round(radiusPx * 2) / 2);
    const key = `${r}:${outlinePx}`;
    let m = this.masks.get(key);
    if (!m) {
      const fill: number[] = [];
      const line: number[] = [];
      const reach = Math.ceil(r);
      for (let dy = -reach; dy <= reach; dy++) {
        for (let dx = -reach; dx <= reach; dx++) {
          const d = Math.hypot(dx, dy);
          if (d > r) continue;
          (d > r - outlinePx ? line : fill).push(dy * 65536 + dx);
        }
      }
      const at = (o: number): number => {
        const [dx, dy] = unpack(o);
        return dy * this.width + dx;
      };
      m = { fill: Int32Array.from(fill), outline: Int32Array.from(line), fillAt: Int32Array.from(fill, at), outlineAt: Int32Array.from(line, at), reach };
      this.masks.set(key, m);
    }
    return m;
  }
}

const mercX = (lon: number): number => (lon + 180) / 360;
const mercY = (lat: number): number => 0.5 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / (2 * Math.PI);

/**
 * mercY(lat) · scale as a cubic Taylor series around lat0 (degrees in, map pixels out): y0 + d(a + d(b + d c)) with
 * d = lat − lat0. With φ in radians, d/dφ of −ln(tan(π/4 + φ/2))/(2π) is −sec φ/(2π); the next derivatives are
 * −sec φ tan φ/(2π) and −sec φ (tan²φ + sec²φ)/(2π).
 */
function mercYSeries(lat0: number, scale: number): { lat0: number; y0: number; a: number; b: number; c: number } {
  const phi = (lat0 * Math.PI) / 180;
  const sec = 1 / Math.cos(phi);
  const tan = Math.tan(phi);
  const rad = Math.PI / 180;
  const k = (-scale / (2 * Math.PI)) * rad;
  return {
    lat0,
    y0: mercY(lat0) * scale,
    a: k * sec,
    b: (k * rad * sec * tan) / 2,
    c: (k * rad * rad * sec * (tan * tan + sec * sec)) / 6,
  };
}

function unpack(offset: number): [number, number] {
  const dy = Math.round(offset / 65536);
  return [offset - dy * 65536, dy];
}

function stampClipped(px: Uint32Array, w: number, h: number, x: number, y: number, offsets: Int32Array, color: number): void {
  for (let k = 0; k < offsets.length; k++) {
    const [dx, dy] = unpack(offsets[k]);
    const xx = x + dx;
    const yy = y + dy;
    if (xx >= 0 && yy >= 0 && xx < w && yy < h) px[yy * w + xx] = color;
  }
}

function blendDisc(px: Uint32Array, w: number, h: number, x: number, y: number, offsets: Int32Array, r: number, g: number, b: number, alpha: number): void {
  for (let k = 0; k < offsets.length; k++) {
    const [dx, dy] = unpack(offsets[k]);
    const xx = x + dx;
    const yy = y + dy;
    if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
    const i = yy * w + xx;
    const dst = px[i];
    const da = (dst >>> 24) / 255;
    // "source over" onto a transparent canvas, non-premultiplied as ImageData stores it.
    const oa = alpha + da * (1 - alpha);
    const mix = (s: number, d: number): number => Math.round((s * alpha + d * da * (1 - alpha)) / oa);
    px[i] = ((Math.round(oa * 255) << 24) | (mix(b, (dst >>> 16) & 255) << 16) | (mix(g, (dst >>> 8) & 255) << 8) | mix(r, dst & 255)) >>> 0;
  }
}
