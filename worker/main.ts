import { runWorker } from './run.js';

// The worker process (the container's entry point; `steward worker` runs the same).
runWorker().catch((error: unknown) => {
  console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', component: 'worker', message: (error as Error).message }));
  process.exit(1);
});
