#!/usr/bin/env node
// The `gatehouse` command (cli/src/main.mjs): installed as a package bin, or `npx gatehouse` in the checkout.
import { main } from "../src/main.mjs";

process.exitCode = await main(process.argv.slice(2));
