import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/*
 * Where things live and what may import what (README, "Where things live"). Each rule names a folder by
 * its `@/` alias and by relative paths climbing to it, so neither spelling slips through.
 */
const folder = (name) => `^(@/|(\\.\\./)+|\\./)${name}(/|$)`;
const exactModule = (name) => `^(@/|(\\.\\./)+|\\./)${name}$`;

const NO_UI_OR_ROUTES = [
  { regex: folder("app"), message: "server/ never imports app/: routes call the domain, not the other way round." },
  { regex: folder("components"), message: "server/ never imports components/: shared types belong in lib/." },
  { regex: exactModule("auth(\\.config)?"), message: "server/ never imports the Auth.js instance (@/auth): it is wired in app/ and auth.ts." },
];
const NO_SERVER = (who) => ({ regex: folder("server"), message: `${who} never imports server/.` });
const NEXT_SERVER_MODULES = ["next/headers", "next/server", "next/cache", "server-only"];

/**
 * The token and session libraries are Next-free, also through what they import: only their own files,
 * lib/, the generated Prisma client and the Next-free server modules below. The composition root
 * (server/services.ts) hands them what they need of Next.js.
 */
const NEXT_FREE_SERVER_MODULES = ["server/tokens", "server/sessions", "server/crypto", "server/database", "server/database-notified-copy", "server/redis-client-cache", "server/pending-reads", "server/env-schema", "server/audit/audit-log", "server/http/request-context"];
const ONLY_NEXT_FREE_SERVER = {
  regex: `^@/server/(?!(${NEXT_FREE_SERVER_MODULES.map((name) => name.slice("server/".length)).join("|")})(/|$))`,
  message: `server/tokens and server/sessions import only Next-free modules (${NEXT_FREE_SERVER_MODULES.join(", ")}); the composition root hands them the rest.`,
};

const restricted = (patterns, paths = []) => ["error", { patterns, paths }];

/**
 * The same rules on *resolved* paths (eslint-plugin-import, with the TypeScript resolver that
 * eslint-config-next sets up), so no spelling gets round them: `../db`, `@/lib/../server/db`, `./../x`.
 */
const NEXT_FREE_FILES = ["server/tokens/**", "server/sessions/**", "server/crypto/**", "server/database.ts", "server/database-notified-copy.ts", "server/redis-client-cache.ts", "server/pending-reads.ts", "server/env-schema.ts", "server/env-signing-keys.ts", "server/audit/audit-log.ts", "server/http/request-context.ts"];
const RESOLVED_BOUNDARIES = [
  { target: "./server", from: ["./app", "./components", "./auth.ts", "./auth.config.ts"], message: "server/ never imports app/, components/ or the Auth.js instance." },
  {
    target: ["./server/tokens", "./server/sessions", "./server/crypto"],
    from: "./server",
    except: ["./tokens", "./sessions", "./crypto", "./database.ts", "./database-notified-copy.ts", "./redis-client-cache.ts", "./pending-reads.ts", "./env-schema.ts", "./env-signing-keys.ts", "./audit/audit-log.ts", "./http/request-context.ts"],
    message: "server/tokens and server/sessions import only Next-free server modules; the composition root hands them the rest.",
  },
  { target: "./lib", from: ["./server", "./app", "./components", "./auth.ts", "./auth.config.ts"], message: "lib/ is safe on both sides: it never imports server/, app/ or components/." },
  { target: "./components", from: ["./server", "./auth.ts", "./auth.config.ts"], message: "components/ never imports server/ or the Auth.js instance: pages pass data and actions as props." },
  { target: "./idp", from: ["./server", "./app", "./components", "./lib"], message: "The local identity provider is a process of its own: it imports nothing of the app." },
];

const eslintConfig = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    // `const { secret: _secret, ...rest } = row` is how a field is left out: rest siblings are intended.
    rules: { "@typescript-eslint/no-unused-vars": ["warn", { ignoreRestSiblings: true, argsIgnorePattern: "^_", varsIgnorePattern: "^_" }] },
  },
  {
    files: ["server/**"],
    rules: { "no-restricted-imports": restricted(NO_UI_OR_ROUTES) },
  },
  {
    // eslint-config-next registers the import plugin (and its resolvers) for these files.
    files: ["**/*.ts", "**/*.tsx"],
    rules: { "import/no-restricted-paths": ["error", { zones: RESOLVED_BOUNDARIES }] },
  },
  {
    files: NEXT_FREE_FILES,
    rules: {
      // Static imports only, so the rules above see every one.
      "no-restricted-syntax": ["error", { selector: "ImportExpression", message: "The Next-free libraries use static imports only, so the import rules can check them." }],
      "no-restricted-imports": restricted(
        [...NO_UI_OR_ROUTES, ONLY_NEXT_FREE_SERVER, { regex: "^next(/|$)", message: "The token and session libraries import nothing from Next.js." }, { regex: "^next-auth(/|$)", message: "The token and session libraries import nothing from Auth.js's Next.js package." }],
        ["server-only"].map((name) => ({ name, message: "The token and session libraries run outside Next.js too (scripts, tests)." })),
      ),
    },
  },
  {
    files: ["lib/**"],
    rules: {
      "no-restricted-imports": restricted(
        [NO_SERVER("lib/ (code safe on both sides)"), { regex: exactModule("auth(\\.config)?"), message: "lib/ never imports the Auth.js instance." }],
        NEXT_SERVER_MODULES.map((name) => ({ name, message: "lib/ is safe in the browser: no server-only Next.js modules." })),
      ),
    },
  },
  {
    files: ["components/**"],
    rules: {
      "no-restricted-imports": restricted([
        { ...NO_SERVER("components/"), message: "components/ never imports server/: pages pass data as props, and actions live in app/." },
        { regex: exactModule("auth(\\.config)?"), message: "components/ never imports the Auth.js instance: take the action as a prop (app/_actions)." },
      ]),
    },
  },
  {
    files: ["idp/**"],
    rules: { "no-restricted-imports": restricted([NO_SERVER("The local identity provider (a process of its own)")]) },
  },
  {
    // The CLI is its own package that talks HTTP only: nothing of the app's, by any path.
    files: ["cli/**"],
    rules: {
      "no-restricted-imports": restricted([
        { regex: "^@/", message: "The CLI (a package of its own) imports nothing of the app: it talks HTTP only." },
        // Its files sit one folder deep (cli/bin, cli/src): two levels up is outside the package.
        { regex: "^(\\.\\./){2,}", message: "The CLI imports only its own files: it talks HTTP only." },
      ]),
    },
  },
  {
    // Playwright fixtures call their argument `use`, which the React hooks rule mistakes for React's.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    ignores: [".next/**", ".next-*/**", "bench/baseline-app/.next/**", "bench/profiles/**", "test-results-*/**", "generated/**", "node_modules/**", ".gatehouse/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
];

export default eslintConfig;
