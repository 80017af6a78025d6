-- Sessions keep only a SHA-256 hash of their token, and gain what the "Devices & access" page shows.
-- Existing sessions survive: their tokens are hashed in place (PostgreSQL's own sha256()), so the cookies
-- already in browsers keep working. Their old `expires` becomes the absolute end of the session.

-- DropIndex
DROP INDEX "Session_expires_idx";
DROP INDEX "Session_sessionToken_key";
DROP INDEX "Session_userId_idx";

-- AlterTable: new columns, filled from the old ones before the old ones go
ALTER TABLE "Session"
ADD COLUMN     "tokenHash" TEXT,
ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "lastUsedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "userAgent" TEXT,
ADD COLUMN     "browser" TEXT,
ADD COLUMN     "os" TEXT,
ADD COLUMN     "deviceType" TEXT,
ADD COLUMN     "ip" TEXT;

UPDATE "Session"
SET "tokenHash" = encode(sha256(convert_to("sessionToken", 'UTF8')), 'hex'),
    "expiresAt" = "expires",
    "lastUsedAt" = "updatedAt";

ALTER TABLE "Session"
ALTER COLUMN "tokenHash" SET NOT NULL,
ALTER COLUMN "expiresAt" SET NOT NULL,
DROP COLUMN "sessionToken",
DROP COLUMN "expires";

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");
CREATE INDEX "Session_userId_lastUsedAt_idx" ON "Session"("userId", "lastUsedAt");
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");
