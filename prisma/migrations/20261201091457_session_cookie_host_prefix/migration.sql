-- The HTTPS session cookie moves from __Secure-authjs.session-token to __Host-authjs.session-token.
-- Sessions that exist now keep working under the old name for 14 days (and move to the new name on their
-- next page view); after that, only __Host- is read, which no sibling subdomain can plant.
ALTER TABLE "Session" ADD COLUMN "legacyCookieUntil" TIMESTAMP(3) DEFAULT (now() + '14 days'::interval);

-- Every session that exists now began under the old name.
UPDATE "Session" SET "legacyCookieUntil" = now() + '14 days'::interval;
