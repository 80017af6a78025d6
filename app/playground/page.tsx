import type { Metadata } from "next";

import { TokenPlayground } from "@/components/playground/token-playground";
import { requireSession } from "@/server/auth/current-session";
import { getPlaygroundOverview } from "@/server/playground/playground-overview";

import { describePlaygroundFamilyAction, startPlaygroundAction } from "./actions";

export const metadata: Metadata = { title: "Token playground" };

export default async function PlaygroundPage() {
  // The proxy checked too; the session is resolved again here, where its row and cookie are read.
  const session = await requireSession("/playground");
  const overview = await getPlaygroundOverview(session);

  return (
    // Three columns need more than the layout's reading width: this breaks out of it, centred, keeping
    // a 1rem margin on each side (100vw counts a scrollbar, which the margin absorbs).
    <div className="relative left-1/2 w-[min(72rem,calc(100vw_-_2rem))] -translate-x-1/2 space-y-6">
      <div className="max-w-3xl space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Token playground</h1>
        <p className="text-slate-700 dark:text-slate-300">
          The three credentials Gatehouse uses, side by side and live for you: the session cookie your browser holds, an access token for APIs, and the
          refresh token family behind it. Issue a pair, call the API with each credential, rotate the refresh token, then replay an old one and watch the
          family fall.
        </p>
      </div>
      <TokenPlayground overview={overview} startAction={startPlaygroundAction} describeAction={describePlaygroundFamilyAction} />
    </div>
  );
}
