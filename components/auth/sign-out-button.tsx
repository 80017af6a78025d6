import { Button } from "@/components/ui/button";

/** Ends this session with the server action it is given (app/_actions/sign-out.ts). */
export function SignOutButton({ action, variant = "secondary" }: { action: () => Promise<void>; variant?: "primary" | "secondary" }) {
  return (
    <form action={action}>
      <Button type="submit" variant={variant}>
        Sign out
      </Button>
    </form>
  );
}
