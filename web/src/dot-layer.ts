// A deck.gl layer of round dots drawn as one non-instanced draw of GL points (one vertex per dot, the disc cut out in
// the fragment shader). NOTE: ScatterplotLayer draws each dot as an instanced quad; under software WebGL (SwiftShader,
// what headless Chromium here has) instancing cost ~60 µs per instance, 0.6 s a frame for 10,000 cars, against ~10 µs
// per point. On a GPU both are fast. Picking works from the vertex index, so a click answers the dot's data index.
import { Layer, picking, project32, UNIT, type Accessor, type Color, type DefaultProps, type LayerProps, type Position, type Unit, type UpdateParameters } from '@deck.gl/core';
import { Model } from '@luma.gl/engine';

const uniformBlock = /* glsl */ `\
layout(std140) uniform dotsUniforms {
  float radiusScale;
  float radiusMinPixels;
  float radiusMaxPixels;
  float outlineWidthPixels;
  vec4 outlineColor;
  highp int radiusUnits;
} dots;
`;

// A type, not an interface: shaderInputs.setProps wants an object with an index signature.
type DotsUniformProps = {
  radiusScale: number;
  radiusMinPixels: number;
  radiusMaxPixels: number;
  outlineWidthPixels: number;
  outlineColor: [number, number, number, number];
  radiusUnits: number;
};

const dotsUniforms = {
  name: 'dots',
  vs: uniformBlock,
  fs: uniformBlock,
  uniformTypes: {
    radiusScale: 'f32',
    radiusMinPixels: 'f32',
    radiusMaxPixels: 'f32',
    outlineWidthPixels: 'f32',
    outlineColor: 'vec4<f32>',
    radiusUnits: 'i32',
  },
} as const;

const vs = /* glsl */ `\
#version 300 es
#define SHADER_NAME dot-layer-vertex-shader
in vec3 positions;
in vec3 positions64Low;
in float radii;
in vec4 fillColors;
out vec4 vFillColor;
out float vRadiusPx;
out float vSizePx;
out float vOutlinePx;
void main(void) {
  geometry.worldPosition = positions;
  geometry.pickingColor = picking_getPickingColorFromIndex(float(gl_VertexID));
  gl_Position = project_position_to_clipspace(positions, positions64Low, vec3(0.0), geometry.position);
  DECKGL_FILTER_GL_POSITION(gl_Position, geometry);
  float radiusPx = clamp(project_size_to_pixel(dots.radiusScale * radii, dots.radiusUnits), dots.radiusMinPixels, dots.radiusMaxPixels);
  // gl_PointSize counts device pixels; the radius is in CSS pixels. One pixel more for the smoothed edge.
  vRadiusPx = radiusPx * project.devicePixelRatio;
  vSizePx = 2.0 * vRadiusPx + 2.0;
  gl_PointSize = vSizePx;
  vOutlinePx = dots.outlineWidthPixels * project.devicePixelRatio;
  vFillColor = vec4(fillColors.rgb, fillColors.a * layer.opacity);
  DECKGL_FILTER_COLOR(vFillColor, geometry);
}
`;

const fs = /* glsl */ `\
#version 300 es
#define SHADER_NAME dot-layer-fragment-shader
precision highp float;
in vec4 vFillColor;
in float vRadiusPx;
in float vSizePx;
in float vOutlinePx;
out vec4 fragColor;
void main(void) {
  float d = length(gl_PointCoord - 0.5) * vSizePx;
  float inside = 1.0 - smoothstep(vRadiusPx - 0.5, vRadiusPx + 0.5, d);
  if (inside <= 0.0) discard;
  float outline = vOutlinePx > 0.0 ? smoothstep(vRadiusPx - vOutlinePx - 0.5, vRadiusPx - vOutlinePx + 0.5, d) : 0.0;
  fragColor = mix(vFillColor, dots.outlineColor, outline);
  fragColor.a *= inside;
  DECKGL_FILTER_COLOR(fragColor, geometry);
}
`;

export interface DotLayerProps<D = unknown> extends LayerProps {
  getPosition?: Accessor<D, Position>;
  getRadius?: Accessor<D, number>;
  getFillColor?: Accessor<D, Color>;
  radiusUnits?: Unit;
  radiusScale?: number;
  radiusMinPixels?: number;
  radiusMaxPixels?: number;
  /** A ring of this width (CSS px) in `outlineColor` inside the disc's edge; 0 for none. */
  outlineWidthPixels?: number;
  outlineColor?: Color;
}

const defaultProps: DefaultProps<DotLayerProps> = {
  getPosition: { type: 'accessor', value: (x: unknown) => (x as { position: Position }).position },
  getRadius: { type: 'accessor', value: 1 },
  getFillColor: { type: 'accessor', value: [0, 0, 0, 255] },
  radiusUnits: 'pixels',
  radiusScale: { type: 'number', min: 0, value: 1 },
  radiusMinPixels: { type: 'number', min: 0, value: 0 },
  radiusMaxPixels: { type: 'number', min: 0, value: 64 },
  outlineWidthPixels: { type: 'number', min: 0, value: 0 },
  outlineColor: { type: 'color', value: [0, 0, 0, 255] },
};

export class DotLayer<D = unknown> extends Layer<Required<DotLayerProps<D>>> {
  static override layerName = 'DotLayer';
  static override defaultProps = defaultProps;
  declare state: { model?: Model };

  override getShaders() {
    return super.getShaders({ vs, fs, modules: [project32, picking, dotsUniforms] });
  }

  override initializeState(): void {
    this.getAttributeManager()!.add({
      positions: { size: 3, type: 'float64', fp64: this.use64bitPositions(), accessor: 'getPosition' },
      radii: { size: 1, accessor: 'getRadius', defaultValue: 1 },
      fillColors: { size: 4, type: 'unorm8', accessor: 'getFillColor', defaultValue: [0, 0, 0, 255] },
    });
  }

  override updateState(params: UpdateParameters<this>): void {
    super.updateState(params);
    if (params.changeFlags.extensionsChanged || !this.state.model) {
      this.state.model?.destroy();
      this.state.model = new Model(this.context.device, {
        ...this.getShaders(),
        id: this.props.id,
        bufferLayout: this.getAttributeManager()!.getBufferLayouts(),
        topology: 'point-list',
        vertexCount: 0,
      });
      this.getAttributeManager()!.invalidateAll();
    }
  }

  override draw(): void {
    const model = this.state.model!;
    const { radiusUnits, radiusScale, radiusMinPixels, radiusMaxPixels, outlineWidthPixels, outlineColor } = this.props;
    const c = outlineColor as ArrayLike<number>;
    const dots: DotsUniformProps = {
      radiusScale,
      radiusMinPixels,
      radiusMaxPixels,
      outlineWidthPixels,
      outlineColor: [c[0] / 255, c[1] / 255, c[2] / 255, (c[3] ?? 255) / 255],
      radiusUnits: UNIT[radiusUnits],
    };
    model.setVertexCount(this.getNumInstances());
    model.shaderInputs.setProps({ dots });
    model.draw(this.context.renderPass);
  }
}
