import type { Client } from '@temporalio/client';
import { allStatus } from '../workflow-commands.js';

type StepState = 'pending' | 'running' | 'observed' | 'failed';

interface StepLine {
  title: string;
  state: StepState;
  detail?: string;
}

const MARK: Record<StepState, string> = { pending: '[ ]', running: '[>]', observed: '[x]', failed: '[!]' };

/**
 * What the demo shows: the scenario's steps with their state, the last notes, and a status table of
 * every running workflow. On a terminal it redraws once a second; elsewhere (CI, a pipe) it prints each
 * note as it comes and the table after each step.
 */
export class DemoScreen {
  private readonly steps: StepLine[];
  private readonly notes: string[] = [];
  private timer?: NodeJS.Timeout;
  private table = '';
  private readonly live = Boolean(process.stdout.isTTY);

  constructor(private readonly client: Client, private readonly header: string, titles: string[]) {
    this.steps = titles.map((title) => ({ title, state: 'pending' }));
  }

  /** Starts redrawing (on a terminal). */
  start(): void {
    if (!this.live) {
      console.log(this.header);
      return;
    }
    const tick = (): void => {
      void this.refresh().then(() => this.draw());
    };
    tick();
    this.timer = setInterval(tick, 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A line of progress. */
  note(message: string): void {
    this.notes.push(`${new Date().toISOString().slice(11, 19)} ${message}`);
    if (this.notes.length > 8) this.notes.shift();
    if (!this.live) console.log(`[demo] ${message}`);
  }

  /** Moves step `index` to `state`; prints the status table after each step when not live. */
  async mark(index: number, state: StepState, detail?: string): Promise<void> {
    const step = this.steps[index];
    if (!step) return;
    step.state = state;
    step.detail = detail;
    if (this.live) return;
    console.log(`[demo] ${MARK[state]} step ${index + 1}/${this.steps.length}: ${step.title}${detail ? `\n       ${detail}` : ''}`);
    if (state !== 'running') {
      await this.refresh();
      console.log(this.table.replace(/^/gm, '       '));
    }
  }

  private async refresh(): Promise<void> {
    try {
      this.table = await allStatus(this.client, false);
    } catch (error) {
      this.table = `(status not available: ${(error as Error).message})`;
    }
  }

  private draw(): void {
    const lines = [this.header, '', 'scenario:'];
    this.steps.forEach((s, i) => lines.push(`  ${MARK[s.state]} ${i + 1}. ${s.title}${s.detail ? `\n        ${s.detail}` : ''}`));
    lines.push('', 'workflows:', this.table, '', 'recent:', ...this.notes.map((n) => `  ${n}`));
    process.stdout.write(`\x1b[2J\x1b[H${lines.join('\n')}\n`);
  }
}
