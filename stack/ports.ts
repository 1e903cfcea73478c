import net from 'node:net';

/** Ports handed out by this process: never given twice, since servers started in parallel bind later. */
const handedOut = new Set<number>();

/** Ports are picked below Linux's ephemeral range (32768-60999), which other processes' sockets draw from. */
const RANGE = { from: 20000, to: 32000 };

/**
 * Returns a TCP port that is free on the given loopback host at the time of the call and that this process
 * has not handed out before. Defaults to 127.0.0.1: the local stack binds nothing outside loopback.
 * Throws after 200 attempts, naming the range.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = RANGE.from + Math.floor(Math.random() * (RANGE.to - RANGE.from));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canBind(host, port)) return port;
  }
  throw new Error(`no free TCP port found on ${host} in ${RANGE.from}-${RANGE.to}: stop other local servers and retry`);
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export async function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
