-- Only clients marked for it may introspect (RFC 7662 §4); an authorization code belongs to its user (deleted with them).

-- Codes of users deleted before this constraint existed can never be exchanged.
DELETE FROM "AuthorizationCode" WHERE "userId" NOT IN (SELECT "id" FROM "User");

-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "mayIntrospect" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "AuthorizationCode_userId_idx" ON "AuthorizationCode"("userId");

-- AddForeignKey
ALTER TABLE "AuthorizationCode" ADD CONSTRAINT "AuthorizationCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

