import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { SiteHeader } from "@/components/site-header";
import { getCurrentSession } from "@/server/auth/current-session";

import { signOutAction } from "./_actions/sign-out";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Gatehouse", template: "%s · Gatehouse" },
  description: "How a modern product should authenticate people and programs, in running code.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getCurrentSession();
  return (
    <html lang="en">
      <body className="min-h-screen bg-white font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2 focus:text-slate-900">
          Skip to content
        </a>
        <SiteHeader user={session ? { name: session.user.name, email: session.user.email } : null} signOutAction={signOutAction} />
        <main id="main" className="mx-auto w-full max-w-3xl px-4 py-8 sm:px-6">
          {children}
        </main>
      </body>
    </html>
  );
}
