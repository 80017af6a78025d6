/**
 * GitHub is OAuth 2.0, not OpenID Connect: it has no `email_verified` claim. Its `/user` endpoint may
 * show a public email or none, and says nothing of verification, so we always ask `/user/emails`
 * (scope `user:email`) for the primary address and its `verified` flag.
 * @see https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
 */

export interface GitHubUser {
  id: number;
  login: string;
  name?: string | null;
  avatar_url?: string | null;
  email?: string | null;
}

export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

export type GitHubProfile = GitHubUser & { email: string | null; email_verified: boolean };

/** Combines `/user` and `/user/emails` into a profile whose `email` is the primary address. */
export function mergeGitHubEmails(user: GitHubUser, emails: GitHubEmail[] | null): GitHubProfile {
  const primary = emails?.find((entry) => entry.primary);
  if (primary) return { ...user, email: primary.email, email_verified: primary.verified };
  // Without the email list we cannot know whether the public address is verified: treat it as not.
  return { ...user, email: user.email ?? null, email_verified: false };
}

/** The userinfo request of our GitHub provider (replaces Auth.js's, which drops `verified`). */
export async function fetchGitHubProfile(accessToken: string, apiBaseUrl = "https://api.github.com"): Promise<GitHubProfile> {
  const headers = { Authorization: `Bearer ${accessToken}`, "User-Agent": "gatehouse", Accept: "application/vnd.github+json" };
  const userResponse = await fetch(`${apiBaseUrl}/user`, { headers });
  if (!userResponse.ok) throw new Error(`GitHub /user answered ${userResponse.status}`);
  const user = (await userResponse.json()) as GitHubUser;
  const emailsResponse = await fetch(`${apiBaseUrl}/user/emails`, { headers });
  const emails = emailsResponse.ok ? ((await emailsResponse.json()) as GitHubEmail[]) : null;
  return mergeGitHubEmails(user, emails);
}
