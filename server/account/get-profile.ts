import "server-only";

import { InvalidTokenError } from "@/server/auth/principal";
import { getDb } from "@/server/db";

/** What /api/v1/me tells a caller about the person: nothing more than a profile page would show. */
export interface Profile {
  id: string;
  name: string | null;
  email: string | null;
  image: string | null;
}

/**
 * Profiles are read on every /api/v1/me call, so each process keeps them for a few seconds. This is a
 * display cache only: who may call is decided before (signature, revocation list), never from here,
 * so a stale entry can show an old name for at most PROFILE_TTL_MS, never grant access.
 */
const PROFILE_TTL_MS = 15_000;
const MAX_ENTRIES = 10_000;
const profiles = new Map<string, { profile: Profile; until: number }>();

/**
 * The person's profile.
 * @throws {InvalidTokenError} when the user no longer exists (a token outliving its account).
 */
export async function getProfile(userId: string): Promise<Profile> {
  const cached = profiles.get(userId);
  if (cached && cached.until > Date.now()) return cached.profile;
  const profile = await getDb().user.findUnique({ where: { id: userId }, select: { id: true, name: true, email: true, image: true } });
  if (!profile) throw new InvalidTokenError("The account this credential belongs to no longer exists.");
  if (profiles.size >= MAX_ENTRIES) profiles.delete(profiles.keys().next().value!);
  profiles.set(userId, { profile, until: Date.now() + PROFILE_TTL_MS });
  return profile;
}
