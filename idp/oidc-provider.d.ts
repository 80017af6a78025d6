// The part of oidc-provider 9's API that idp/ uses. The package ships no types; DefinitelyTyped's
// @types/oidc-provider (9.12.x at the time of writing) is not a dependency. If it is added, delete this file.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { JsonWebKey } from "node:crypto";

  /** The Koa context oidc-provider hands to configuration helpers; only the fields idp/ touches. */
  export interface KoaContextWithOIDC {
    type: string;
    body: unknown;
    status: number;
    oidc: {
      /** The submitted interaction result, present while an interaction resumes. */
      readonly result?: InteractionResults;
    };
  }

  export interface ErrorOut {
    error: string;
    error_description?: string;
    state?: string;
  }

  export type ClaimsDictionary = Record<string, unknown>;

  export interface Account {
    accountId: string;
    claims(use: "id_token" | "userinfo", scope: string): Promise<ClaimsDictionary> | ClaimsDictionary;
  }

  export type FindAccount = (
    ctx: KoaContextWithOIDC,
    sub: string,
  ) => Promise<Account | undefined> | Account | undefined;

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    client_name?: string;
    redirect_uris: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    id_token_signed_response_alg?: string;
    application_type?: "web" | "native";
  }

  export interface CookiesSetOptions {
    httpOnly?: boolean;
    sameSite?: "lax" | "strict" | "none";
    secure?: boolean;
  }

  export interface Configuration {
    clients?: ClientMetadata[];
    claims?: Record<string, string[] | null>;
    scopes?: string[];
    responseTypes?: string[];
    clientAuthMethods?: string[];
    conformIdTokenClaims?: boolean;
    cookies?: {
      names?: { session?: string; interaction?: string; resume?: string };
      long?: CookiesSetOptions;
      short?: CookiesSetOptions;
      keys?: string[];
    };
    jwks?: { keys: JsonWebKey[] };
    findAccount?: FindAccount;
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
    interactions?: {
      policy?: interactionPolicy.DefaultPolicy;
      url?: (ctx: KoaContextWithOIDC, interaction: Interaction) => Promise<string> | string;
    };
    pkce?: { required?: (ctx: KoaContextWithOIDC, client: unknown) => boolean };
    renderError?: (ctx: KoaContextWithOIDC, out: ErrorOut, error: Error) => Promise<void> | void;
    ttl?: Record<string, number>;
    enabledJWA?: { idTokenSigningAlgValues?: string[] };
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean; ts?: number; amr?: string[]; acr?: string };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
  }

  export interface PromptDetail {
    name: "login" | "consent" | (string & {});
    reasons: string[];
    details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    } & Record<string, unknown>;
  }

  export interface Interaction {
    readonly uid: string;
    readonly returnTo: string;
    readonly prompt: PromptDetail;
    readonly params: Record<string, unknown> & { client_id?: string; scope?: string };
    readonly session?: { accountId: string; uid: string; cookie: string };
    readonly grantId?: string;
    readonly lastSubmission?: InteractionResults;
  }

  export class Grant {
    constructor(properties: { accountId: string; clientId: string });
    static find(id: string): Promise<Grant | undefined>;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Grant: typeof Grant;
    /** A Node.js request listener (the provider is a Koa application). */
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    on(event: "server_error", listener: (ctx: KoaContextWithOIDC, error: Error) => void): this;
  }

  export namespace errors {
    class OIDCProviderError extends Error {
      readonly error: string;
      readonly error_description?: string;
      readonly status: number;
      readonly statusCode: number;
      readonly expose: boolean;
    }
    class SessionNotFound extends OIDCProviderError {}
  }

  export namespace interactionPolicy {
    type CheckResult = boolean;
    class Check {
      static readonly REQUEST_PROMPT: true;
      static readonly NO_NEED_TO_PROMPT: false;
      constructor(
        reason: string,
        description: string,
        check: (ctx: KoaContextWithOIDC) => CheckResult | Promise<CheckResult>,
      );
    }
    interface Prompt {
      readonly name: string;
      readonly checks: Check[] & { add(check: Check, index?: number): void };
    }
    interface DefaultPolicy extends Array<Prompt> {
      get(name: string): Prompt | undefined;
    }
    function base(): DefaultPolicy;
  }

  export default Provider;
}
