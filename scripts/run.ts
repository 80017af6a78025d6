/**
 * `npm run dev` / `npm start`: the app with everything it needs (see scripts/lib/app-stack.ts).
 *   tsx scripts/run.ts dev     development server, embedded database and local IdP by default
 *   tsx scripts/run.ts start   production server (after `npm run build`); needs DATABASE_URL and AUTH_SECRET
 */
import { runStack } from "./lib/app-stack";

const mode = process.argv[2];
if (mode !== "dev" && mode !== "start") {
  console.error("usage: tsx scripts/run.ts dev|start");
  process.exit(2);
}
process.exit(await runStack({ mode }));
