// The router's second health source: the verdicts a PostgresReplicaSet's workflow publishes in its
// `<name>-health` ConfigMap, read from the file where the application mounts it, so that the router and the
// routing Service follow one truth.
import { readFile } from 'node:fs/promises';
import { parsePublishedHealth, type PublishedHealth } from '../domain/replica-set-health.js';

/** How often the mounted file is read by default (ms); the kubelet refreshes a mounted ConfigMap within about a minute. */
export const DEFAULT_HEALTH_FILE_INTERVAL_MS = 1000;

/** What `followPublishedHealth` needs. */
export interface PublishedHealthSource {
  /** The mounted `health.json` (the ConfigMap `<set>-health`, key `health.json`). */
  file: string;
  /** Milliseconds between reads; default `DEFAULT_HEALTH_FILE_INTERVAL_MS`. 0: only on `readNow()`. */
  intervalMs?: number;
  /** Receives each document whose text differs from the last one delivered. */
  onHealth: (health: PublishedHealth) => void;
  /** Receives a file that cannot be read or parsed (the last document delivered stays in force). */
  onError: (error: Error) => void;
}

/** A running follower of a published health file. */
export interface PublishedHealthFollower {
  /** Reads the file now (after a read in progress) and delivers its document if it changed. Never throws. */
  readNow(): Promise<void>;
  /** Stops the periodic reads. */
  stop(): void;
}

/**
 * Reads `source.file` now and every `intervalMs`, and hands each changed document to `onHealth`. A missing,
 * unreadable or malformed file goes to `onError` and changes nothing (so an application that starts before
 * the ConfigMap exists keeps its starting verdicts). The timer does not keep the process alive.
 */
export function followPublishedHealth(source: PublishedHealthSource): PublishedHealthFollower {
  let lastText: string | undefined;
  let reading: Promise<void> = Promise.resolve();
  const read = async (): Promise<void> => {
    try {
      const text = await readFile(source.file, 'utf8');
      if (text === lastText) return;
      const health = parsePublishedHealth(text);
      lastText = text;
      source.onHealth(health);
    } catch (error) {
      source.onError(new Error(`cannot follow the published health in ${source.file}`, { cause: error }));
    }
  };
  const readNow = (): Promise<void> => {
    reading = reading.then(read);
    return reading;
  };
  const intervalMs = source.intervalMs ?? DEFAULT_HEALTH_FILE_INTERVAL_MS;
  const timer = intervalMs > 0 ? setInterval(() => void readNow(), intervalMs) : undefined;
  timer?.unref();
  void readNow();
  return { readNow, stop: () => clearInterval(timer) };
}
