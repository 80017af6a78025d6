-- The device authorization grant (RFC 8628): device codes, approved on /device, and the families they start.
ALTER TYPE "TokenFamilyKind" ADD VALUE 'device_code';

-- CreateEnum
CREATE TYPE "DeviceCodeStatus" AS ENUM ('pending', 'approved', 'denied', 'redeemed');

-- CreateTable
CREATE TABLE "DeviceCode" (
    "id" TEXT NOT NULL,
    "deviceCodeHash" TEXT NOT NULL,
    "userCodeHash" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "scopes" TEXT[],
    "status" "DeviceCodeStatus" NOT NULL DEFAULT 'pending',
    "interval" INTEGER NOT NULL,
    "lastPolledAt" TIMESTAMP(3),
    "userId" TEXT,
    "decidedAt" TIMESTAMP(3),
    "familyId" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DeviceCode_deviceCodeHash_key" ON "DeviceCode"("deviceCodeHash");

-- CreateIndex
CREATE UNIQUE INDEX "DeviceCode_userCodeHash_key" ON "DeviceCode"("userCodeHash");

-- CreateIndex
CREATE INDEX "DeviceCode_expiresAt_idx" ON "DeviceCode"("expiresAt");

-- CreateIndex
CREATE INDEX "DeviceCode_userId_idx" ON "DeviceCode"("userId");

-- AddForeignKey
ALTER TABLE "DeviceCode" ADD CONSTRAINT "DeviceCode_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceCode" ADD CONSTRAINT "DeviceCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The built-in public client of the `gatehouse` command-line tool (cli/): first-party, device grant.
INSERT INTO "Client" ("id", "name", "type", "redirectUris", "grantTypes", "scopes", "firstParty", "updatedAt") VALUES
  ('gatehouse-cli', 'Gatehouse CLI', 'public', '{}', '{urn:ietf:params:oauth:grant-type:device_code,refresh_token}', '{profile,notes:read,notes:write}', true, CURRENT_TIMESTAMP);
