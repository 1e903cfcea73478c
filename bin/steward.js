#!/usr/bin/env node
// The `steward` command: runs the compiled starter CLI (`npm run build` produces dist/).
import { main } from '../dist/starter/cli.js';

process.exitCode = await main(process.argv.slice(2));
