// The worker's container image: a local stand-in for the Dockerfile's base image, the image built from
// the unchanged Dockerfile with podman, and a run of it as the Deployment runs it (`steward image`).
export { buildImage, type ImageBuild } from './build.js';
export { runImage, type ImageRun, type ImageRunOptions } from './run.js';
export { podmanProblem } from './podman.js';
