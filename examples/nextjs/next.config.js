// eventwire loads a native addon (.node): Next.js must require it from
// node_modules at run time instead of bundling it.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['eventwire'], // Next 15+
  // Next 13/14 instead: experimental: { serverComponentsExternalPackages: ['eventwire'] },
};

module.exports = nextConfig;
