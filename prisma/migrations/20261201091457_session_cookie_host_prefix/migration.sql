-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "acceptsLegacyCookie" BOOLEAN NOT NULL DEFAULT false;

-- Every session that exists now began under the old cookie name: it keeps working through it (and is
-- moved to the __Host- name on its next page view). Sessions created from now on default to false.
UPDATE "Session" SET "acceptsLegacyCookie" = true;
