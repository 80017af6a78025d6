// A stock Next.js app (see app/api/ping/route.js): the defaults, and nothing else. `npm run bench`
// builds it with webpack: Turbopack takes the repository's root (the nearest lockfile) as this app's and
// bundles Gatehouse's instrumentation.ts into it, and with its root set here it cannot reach node_modules.
/** @type {import("next").NextConfig} */
const nextConfig = {};

export default nextConfig;
