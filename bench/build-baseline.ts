/**
 * Builds the benchmarks' baseline: the stock Next.js app of bench/baseline-app, with Turbopack (as
 * Gatehouse is built: its webpack build serves about 10% fewer requests/s here, which would flatter
 * us). It is built from a copy in .gatehouse/bench-baseline/ holding hard links to this repository's
 * node_modules, so it runs the very same Next.js and nothing of Gatehouse (see its next.config.mjs).
 */
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import path from "node:path";

import { localStateDir, repoRoot } from "../scripts/lib/local-state";

export const baselineAppDir = path.join(localStateDir, "bench-baseline");

export function buildBaselineApp(): void {
  rmSync(baselineAppDir, { recursive: true, force: true });
  cpSync(path.join(repoRoot, "bench", "baseline-app"), baselineAppDir, { recursive: true });
  // Hard links: a copy in no time and no space; a symlink would lead Turbopack out of its root.
  execFileSync("cp", ["-al", path.join(repoRoot, "node_modules"), path.join(baselineAppDir, "node_modules")]);
  execFileSync(process.execPath, [path.join(baselineAppDir, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: baselineAppDir, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

if (import.meta.url === `file://${process.argv[1]}`) buildBaselineApp();
