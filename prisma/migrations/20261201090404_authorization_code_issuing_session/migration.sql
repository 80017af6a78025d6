-- AlterTable
ALTER TABLE "AuthorizationCode" ADD COLUMN     "issuingSessionId" TEXT;

-- CreateIndex
CREATE INDEX "AuthorizationCode_issuingSessionId_idx" ON "AuthorizationCode"("issuingSessionId");

-- AddForeignKey
ALTER TABLE "AuthorizationCode" ADD CONSTRAINT "AuthorizationCode_issuingSessionId_fkey" FOREIGN KEY ("issuingSessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;
