// `tsx idp/main.ts`: the local OpenID Connect provider as its own process (see idp/README.md).
import { parseLocalIdpConfig, productionWarning } from "./config";

async function main(): Promise<void> {
  const parsed = parseLocalIdpConfig(process.env);
  if (!parsed.success) {
    for (const problem of parsed.problems) console.error(`local-idp: ${problem}`);
    process.exit(1);
  }
  const { config } = parsed;
  if (config.mode === "production") console.warn(productionWarning(config.issuer));

  // Imported only now, so that a configuration problem is reported before oidc-provider prints anything.
  const { startLocalIdp } = await import("./server");
  let idp;
  try {
    idp = await startLocalIdp(config);
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code === "EADDRINUSE") {
      console.error(`local-idp: port ${config.port} is already in use (set LOCAL_IDP_PORT to another port)`);
    } else if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      console.error(`local-idp: cannot listen on ${config.host} (check LOCAL_IDP_HOST)`);
    } else {
      console.error("local-idp: could not start", error);
    }
    process.exit(1);
  }
  console.log(`Local identity provider ready at ${idp.issuer}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C means now.
      process.exit(1);
    }
    stopping = true;
    console.log(`local-idp: ${signal} received, stopping`);
    idp.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("local-idp: error while stopping", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

await main();
