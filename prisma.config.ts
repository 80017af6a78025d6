// Prisma CLI configuration (Prisma 7): the schema, the migrations folder and the database URL.
// The URL comes from DATABASE_URL; `npm run db:*` scripts start the embedded database and set it
// when it is unset (see scripts/).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
