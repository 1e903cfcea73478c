// The worker: connects to Temporal and runs every workflow and activity of the project.
export { createWorker, WORKFLOWS_PATH } from './worker.js';
export { temporalSettings, type TemporalSettings } from './temporal-settings.js';
