-- A client's secret can be rotated with an overlap: the secret before the last rotation keeps working
-- until "previousSecretExpiresAt" (npm run client:rotate-secret).
ALTER TABLE "Client" ADD COLUMN "previousSecretHash" TEXT,
ADD COLUMN "previousSecretExpiresAt" TIMESTAMP(3);
