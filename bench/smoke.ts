/**
 * True when the benchmark runs in its short smoke mode (`--smoke` or `BENCH_SMOKE=1`): small sizes, few
 * samples, figures printed but not meant to be read. The integration suite runs every benchmark this way
 * so that a broken benchmark fails `npm test`.
 */
export function smokeMode(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--smoke') || env.BENCH_SMOKE === '1' || env.BENCH_SMOKE === 'true';
}
