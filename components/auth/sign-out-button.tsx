import { signOut } from "@/auth";
import { Button } from "@/components/ui/button";

/** Ends this session: Auth.js deletes the Session row and clears the cookie. */
export function SignOutButton({ variant = "secondary" }: { variant?: "primary" | "secondary" }) {
  return (
    <form
      action={async () => {
        "use server";
        await signOut({ redirectTo: "/" });
      }}
    >
      <Button type="submit" variant={variant}>
        Sign out
      </Button>
    </form>
  );
}
