-- Changes to what a session lookup returns are announced on the channel "gatehouse_session" when their
-- transaction commits: a session's token hash when it is created, changed or deleted, "user:<id>" when its
-- person's name, email, image, verification or role changes, "*" for all of them (a TRUNCATE). An app
-- process without Redis keeps the sessions it has read in memory and drops what this names
-- (server/database-notified-copy.ts, wired in server/services.ts), so a session ended by any process,
-- script or SQL console is refused everywhere as soon as the announcement arrives. NOTIFY is
-- transactional: a rolled-back change announces nothing, and listeners get announcements in commit order.

-- NOTIFY serialises the commits of the transactions that send it, so the triggers send nothing until a
-- process listens: the first one inserts the channel's row here (with the tables locked, so that no change
-- that did not see the row is still uncommitted when it is in). A deployment with Redis never does.
CREATE TABLE "ChangeNotificationSwitch" (
    "channel" TEXT NOT NULL,
    "enabledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChangeNotificationSwitch_pkey" PRIMARY KEY ("channel")
);

-- Whether to announce: the switch is on, or the writer's snapshot may predate it (a transaction that is
-- not READ COMMITTED keeps one snapshot throughout, and could miss the switch and commit after it).
-- SECURITY DEFINER with this schema's search_path: it runs the same for every writer, whatever its
-- privileges on the switch's table or its own search_path.
CREATE FUNCTION "gatehouse_session_changes_announced"() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
  SELECT current_setting('transaction_isolation') <> 'read committed'
      OR EXISTS (SELECT 1 FROM "ChangeNotificationSwitch" WHERE "channel" = 'gatehouse_session');
$$;

CREATE FUNCTION "gatehouse_notify_session_change"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  IF NOT "gatehouse_session_changes_announced"() THEN
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
-- them is announced by the person's id, which drops every session of theirs a process holds, and any it is
-- reading at that moment (however recently it was created). A deleted person's sessions go by cascade, and
-- each is announced by the trigger above.
CREATE FUNCTION "gatehouse_notify_user_change"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  IF "gatehouse_session_changes_announced"() THEN
    PERFORM pg_notify('gatehouse_session', 'user:' || NEW."id");
  END IF;
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
