/** "15 minutes", "7 days", "10 seconds": the token lifetimes as a person reads them. */
function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
    [1, "second"],
  ];
  const [size, unit] = units.find(([size]) => seconds >= size && seconds % size === 0) ?? [1, "second"];
  const count = seconds / size;
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

/**
 * How a personal token pair lives and dies, with the lifetimes this server actually uses, so a script's
 * author knows what to store and when to refresh.
 */
export function TokenPairExplainer({
  issuer,
  clientId,
  lifetimes,
}: {
  issuer: string;
  clientId: string;
  lifetimes: { accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number; familyMaxAgeSeconds: number; reuseGraceSeconds: number };
}) {
  return (
    <div className="space-y-2 text-sm text-slate-700 dark:text-slate-300">
      <p>
        A token is a pair. The <strong>access token</strong> goes with every API call (<code className="text-xs">Authorization: Bearer …</code>) and
        expires after {formatDuration(lifetimes.accessTokenTtlSeconds)}, so a leaked one is soon useless. The <strong>refresh token</strong> gets a new
        pair from <code className="break-all text-xs">{issuer}/oauth/token</code> (client id <code className="text-xs">{clientId}</code>):
      </p>
      <ul className="list-disc space-y-1 pl-5">
        <li>
          It rotates: each refresh answers with a new refresh token, and your script must store it in place of the old one, which is retired.
        </li>
        <li>
          A retired refresh token presented again more than {formatDuration(lifetimes.reuseGraceSeconds)} later revokes the whole pair: two copies
          in use mean one may be stolen.
        </li>
        <li>
          A refresh token unused for {formatDuration(lifetimes.refreshTokenTtlSeconds)} expires, and no pair lives longer than{" "}
          {formatDuration(lifetimes.familyMaxAgeSeconds)}, however often it is refreshed. Then create a new one here.
        </li>
        <li>“Last used” is the last time the pair was created or refreshed.</li>
      </ul>
    </div>
  );
}
