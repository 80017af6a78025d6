"use server";

import { signOut } from "@/auth";

/** "Sign out": Auth.js deletes this session's row (through our adapter) and clears the cookie. */
export async function signOutAction() {
  await signOut({ redirectTo: "/" });
}
