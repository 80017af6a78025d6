// A stock Next.js app (see app/api/ping/route.js): the defaults, built with Turbopack as Gatehouse is.
// bench/build-baseline.ts builds it from a copy in .gatehouse/ with node_modules hard-linked in, and this
// root: with the repository's (the nearest lockfile), Turbopack would bundle Gatehouse's
// instrumentation.ts into it, and a root outside node_modules' cannot resolve `next`.
/** @type {import("next").NextConfig} */
const nextConfig = { turbopack: { root: import.meta.dirname } };

export default nextConfig;
