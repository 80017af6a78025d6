-- Changes to what a session lookup returns are announced on the channel "gatehouse_session", with the
-- session's token hash as the payload ("*" for all of them: a TRUNCATE), when their transaction commits.
-- An app process without Redis keeps the sessions it has read in memory and drops one as soon as this
-- names it (server/database-notified-copy.ts, wired in server/services.ts), so a session ended by any
-- process, script or SQL console is refused everywhere as soon as the announcement arrives. NOTIFY is
-- transactional: a rolled-back change announces nothing, and listeners get announcements in commit order.

-- NOTIFY serialises the commits of the transactions that send it, so the triggers send nothing until a
-- process listens: the first one inserts the channel's row here (with the tables locked, so that no change
-- that did not see the row is still uncommitted when it is in). A deployment with Redis never does.
CREATE TABLE "ChangeNotificationSwitch" (
    "channel" TEXT NOT NULL,
    "enabledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChangeNotificationSwitch_pkey" PRIMARY KEY ("channel")
);

CREATE FUNCTION "gatehouse_notify_session_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "ChangeNotificationSwitch" WHERE "channel" = 'gatehouse_session') THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('gatehouse_session', '*');
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_notify('gatehouse_session', OLD."tokenHash");
  END IF;
  -- An insert too: a process may remember that no session had this hash.
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."tokenHash" IS DISTINCT FROM OLD."tokenHash") THEN
    PERFORM pg_notify('gatehouse_session', NEW."tokenHash");
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Session_notify_change"
AFTER INSERT OR UPDATE OR DELETE ON "Session"
FOR EACH ROW EXECUTE FUNCTION "gatehouse_notify_session_change"();

-- TRUNCATE (of "Session", or of "User" with CASCADE) fires no row trigger.
CREATE TRIGGER "Session_notify_truncate"
AFTER TRUNCATE ON "Session"
FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_session_change"();

-- A session lookup carries its person's name, email, image, verification and role: a change to one of
-- them is announced for each of that person's sessions. (A deleted person's sessions go by cascade, and
-- each is announced by the trigger above.)
CREATE FUNCTION "gatehouse_notify_user_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "ChangeNotificationSwitch" WHERE "channel" = 'gatehouse_session') THEN
    RETURN NULL;
  END IF;
  -- A session being added for this person by a transaction still open holds a KEY SHARE lock on the
  -- person's row (its foreign-key check); this waits for that transaction to end, so that the next
  -- statement, with a new snapshot, sees its session too and announces it with the others.
  PERFORM 1 FROM "User" WHERE "id" = NEW."id" FOR UPDATE;
  PERFORM pg_notify('gatehouse_session', s."tokenHash") FROM "Session" s WHERE s."userId" = NEW."id";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "User_notify_change"
AFTER UPDATE ON "User"
FOR EACH ROW
WHEN (OLD."name" IS DISTINCT FROM NEW."name"
   OR OLD."email" IS DISTINCT FROM NEW."email"
   OR OLD."image" IS DISTINCT FROM NEW."image"
   OR OLD."emailVerified" IS DISTINCT FROM NEW."emailVerified"
   OR OLD."role" IS DISTINCT FROM NEW."role")
EXECUTE FUNCTION "gatehouse_notify_user_change"();
