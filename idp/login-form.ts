// The login form's fields and rules, shared by the page that renders it and the handler that reads it.
import { z } from "zod";

export const loginFieldLimits = { name: 100, email: 254, sub: 128 } as const;

/** What a person types in. An unchecked checkbox is absent from the form body, so absence means false. */
export const loginFormSchema = z.object({
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, { error: "Enter a name." })
    .max(loginFieldLimits.name, { error: `The name must be at most ${loginFieldLimits.name} characters.` }),
  email: z
    .string({ error: "Enter an email address." })
    .trim()
    .toLowerCase()
    .min(1, { error: "Enter an email address." })
    .max(loginFieldLimits.email, { error: `The email address must be at most ${loginFieldLimits.email} characters.` })
    .pipe(z.email({ error: "Enter a valid email address, like ada@example.com." })),
  email_verified: z
    .literal("on", { error: "The verified checkbox has an unexpected value." })
    .optional()
    .transform((value) => value === "on"),
  sub: z
    .string()
    .trim()
    .max(loginFieldLimits.sub, { error: `The subject must be at most ${loginFieldLimits.sub} characters.` })
    // Printable ASCII without spaces: a subject ends up in URLs, logs and database keys.
    .regex(/^[\x21-\x7e]*$/, { error: "The subject may only contain letters, digits and punctuation, no spaces." })
    .optional()
    .transform((value) => value || undefined),
});

/** A click on a seeded test user's button. */
export const seededLoginSchema = z.object({ seed: z.string().min(1).max(loginFieldLimits.sub) });

export type LoginFormInput = z.input<typeof loginFormSchema>;
export type LoginForm = z.output<typeof loginFormSchema>;

/** The form's raw values, as re-displayed after an error. */
export interface LoginFormValues {
  name: string;
  email: string;
  emailVerified: boolean;
  sub: string;
}

/** Field name to first error message, plus errors not tied to a field. */
export interface LoginFormErrors {
  fields: Partial<Record<keyof LoginFormInput, string>>;
  form?: string;
}

export function loginErrorsFrom(error: z.ZodError): LoginFormErrors {
  const fields: LoginFormErrors["fields"] = {};
  for (const issue of error.issues) {
    const [field] = issue.path;
    if (field === "name" || field === "email" || field === "email_verified" || field === "sub") {
      fields[field] ??= issue.message;
    }
  }
  return { fields };
}
