-- Every change to what a session lookup returns is announced on the channel "gatehouse_session", with the
-- session's token hash as the payload, when its transaction commits. An app process without Redis keeps
-- the sessions it has read in memory and drops one as soon as this names it (server/sessions/
-- session-copy.ts), so a session ended by any process, script or SQL console is refused everywhere at once.
-- NOTIFY is transactional: a rolled-back change announces nothing, and listeners get the announcements in
-- commit order.

CREATE FUNCTION "gatehouse_notify_session_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_notify('gatehouse_session', OLD."tokenHash");
  END IF;
  -- An insert too: a process may remember that no session had this hash.
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW."tokenHash" IS DISTINCT FROM OLD."tokenHash") THEN
    PERFORM pg_notify('gatehouse_session', NEW."tokenHash");
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Session_notify_change"
AFTER INSERT OR UPDATE OR DELETE ON "Session"
FOR EACH ROW EXECUTE FUNCTION "gatehouse_notify_session_change"();

-- A session lookup carries its person's name, email, image, verification and role: a change to one of
-- them is announced for each of that person's sessions. (A deleted person's sessions go by cascade, and
-- each is announced by the trigger above.)
CREATE FUNCTION "gatehouse_notify_user_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
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
