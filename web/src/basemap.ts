// The optional basemap under the road layer (`--basemap URL` on replay and serve): a raster tile template
// (https://…/{z}/{x}/{y}.png) or a MapLibre style URL. Without one the map's style is blank and nothing is fetched from
// elsewhere; with one, the page fetches from that URL only because the user named it.
import type { StyleSpecification } from 'maplibre-gl';

let basemapUrl: string | undefined;

/** Sets the basemap the maps made from now on draw (main.ts, from the server's /api/dashboard answer). */
export function setBasemap(url: string | undefined): void {
  basemapUrl = url || undefined;
}

/** True for a raster tile template (it has {z}, {x} and {y}); anything else is taken for a MapLibre style URL. */
export function isTileTemplate(url: string): boolean {
  return url.includes('{z}') && url.includes('{x}') && url.includes('{y}');
}

/**
 * The style a new map starts from: a blank background; with a tile template, the tiles dimmed over it (the cars and
 * roads stay the brightest things); with a style URL, that style (the roads and overlays are added on top once loaded).
 */
export function initialStyle(background: string): StyleSpecification | string {
  const blank: StyleSpecification = { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': background } }] };
  if (!basemapUrl) return blank;
  if (!isTileTemplate(basemapUrl)) return basemapUrl;
  return {
    ...blank,
    sources: { basemap: { type: 'raster', tiles: [basemapUrl], tileSize: 256, attribution: 'basemap: given with --basemap' } },
    layers: [...blank.layers, { id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.45 } }],
  };
}
