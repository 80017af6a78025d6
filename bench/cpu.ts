/**
 * CPU time, the benchmarks' second measure beside requests per second. On this two-core VM a route's
 * req/s moves ±20% between samples (the load generator, the database and the server share the cores),
 * while the CPU a request costs moves much less: it does not depend on who else was running.
 *
 * Read from /proc (Linux only; elsewhere the figures are absent and only req/s is reported):
 *   - the server's: every process in its process group (`next start` and the server it forks);
 *   - the machine's, without the load generator: all busy CPU, less this process's (autocannon runs
 *     in it). That adds what a request costs PostgreSQL and Redis, and whatever else ran meanwhile.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

export interface CpuSnapshot {
  /** ms of CPU used so far by the server's process group. */
  serverMs: number;
  /** ms of busy CPU of the whole machine, less this process's. */
  machineMs: number;
}

const procAvailable = existsSync("/proc/stat");
const ticksPerSecond = procAvailable ? Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100 : 100;
const ticksToMs = (ticks: number) => (ticks * 1000) / ticksPerSecond;

/** utime + stime of every live process whose process group is `groupId`. */
function groupCpuMs(groupId: number): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== groupId) continue; // field 5, pgrp
    ticks += Number(fields[11]) + Number(fields[12]); // fields 14 and 15, utime and stime
  }
  return ticksToMs(ticks);
}

/** Busy time of all cores (user, nice, system, irq, softirq, steal), from /proc/stat's first line. */
function machineBusyMs(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  return ticksToMs(user! + nice! + system! + irq! + softirq! + steal!);
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function cpuSnapshot(serverGroupId: number | undefined): CpuSnapshot | null {
  if (!procAvailable || serverGroupId === undefined) return null;
  return { serverMs: groupCpuMs(serverGroupId), machineMs: machineBusyMs() - ownCpuMs() };
}

/** CPU per request between two snapshots, in µs. */
export function cpuPerRequest(before: CpuSnapshot | null, after: CpuSnapshot | null, requests: number): { serverUs: number; machineUs: number } | undefined {
  if (!before || !after || requests === 0) return undefined;
  return { serverUs: ((after.serverMs - before.serverMs) * 1000) / requests, machineUs: ((after.machineMs - before.machineMs) * 1000) / requests };
}
