// Contraction hierarchies, the fast exact routing engine: build once per network, then answer travel-time queries.
export {
  type ContractionHierarchy,
  type ChArrayName,
  type AnyTypedArray,
  CH_ARRAY_FIELDS,
  chFromArrays,
  chArrays,
  graphFingerprint,
  assertChMatchesGraph,
} from './ch-hierarchy.js';
export { buildContractionHierarchy, type ChBuildOptions } from './ch-build.js';
export { ChTravelTimes } from './ch-query.js';
