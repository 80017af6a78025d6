import net from "node:net";

/**
 * A port nothing listens on now, as the system hands them out for listening. A random port from a range
 * is not safe: 32768-60999 is Linux's ephemeral range, where outgoing connections take their ports too
 * (CI once failed on 41942); the system's choice for a listener avoids those in use, and Linux leans to
 * odd ports for listeners and even ones for connections.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts something on a free port, with another port if that one was taken meanwhile (between
 * `freePort` and the listen, another test file may have been handed the same one).
 */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      const taken = (error as { code?: string }).code === "EMBEDDED_DB_PORT_IN_USE";
      if (!taken || attempt >= attempts) throw error;
    }
  }
}
