import type { Observable } from 'rxjs';
import type { Secret } from '../core/secret.js';
import type {
  AuthType,
  DynamicChallenge,
  StaticChallenge,
} from '../management/notification/password.js';

/**
 * One thing a {@link Prompt} of kind `UserPassRequested` needs from the user: the username, the
 * password, or the response to a static or dynamic challenge.
 */
export type CredentialField = 'username' | 'password' | 'response';

/** What openvpn asks the user for, as the application sees it. */
export type Prompt =
  | {
      readonly kind: 'UserPassRequested';
      readonly authType: AuthType;
      /**
       * Exactly what to ask the user, in order. `['username', 'password']` for a plain login;
       * `['password']` when the username is known (the profile's `<auth-user-pass>` holds only
       * the username, or openvpn asks `Need 'Auth' password`); `response` joins for a static
       * challenge, and a dynamic challenge (CRV1) needs the response alone. An answer may be a
       * `UserPass` (fields not asked are ignored), or a `Password` or `Response` when that is
       * the only secret asked.
       */
      readonly fields: readonly CredentialField[];
      /**
       * The username that goes out with the answer when the user is not asked for it and the
       * engine knows it (the profile's block, a dynamic challenge); absent for `Need 'Auth'
       * password`, where openvpn keeps the username to itself.
       */
      readonly username?: string;
      readonly staticChallenge?: StaticChallenge;
      /** The challenge from the previous `Verification Failed` (CRV1), to answer now. */
      readonly dynamicChallenge?: DynamicChallenge;
    }
  | { readonly kind: 'PasswordRequested'; readonly authType: AuthType }
  | { readonly kind: 'ConfirmationRequested'; readonly name: string; readonly message: string }
  /**
   * The server holds the login pending (`client-pending-auth`) and asks a text challenge
   * (`CR_TEXT`, a one-time code): answered with a `Response`.
   */
  | {
      readonly kind: 'ChallengeRequested';
      readonly text: string;
      readonly echo: boolean;
      readonly responseRequired: boolean;
    }
  /**
   * The server holds the login pending until the user signs in at `url` (`WEB_AUTH`, or the
   * older `OPEN_URL`). The application opens it; any answer but `Cancelled` just acknowledges,
   * and the server decides by itself.
   */
  | { readonly kind: 'WebAuthRequested'; readonly url: string; readonly flags: readonly string[] }
  | { readonly kind: 'InputRequested'; readonly name: string; readonly message: string };

/** The application's answer to a {@link Prompt}. */
export type Answer =
  | {
      readonly kind: 'UserPass';
      readonly username: string;
      readonly password: Secret;
      /** The response to a static or dynamic challenge. */
      readonly response?: Secret;
    }
  | { readonly kind: 'Password'; readonly password: Secret }
  | { readonly kind: 'Confirmed'; readonly ok: boolean }
  | { readonly kind: 'Response'; readonly response: Secret }
  | { readonly kind: 'Acknowledged' }
  | { readonly kind: 'Input'; readonly value: string }
  | { readonly kind: 'Cancelled' };

/**
 * Answers prompts: emits one answer per prompt (only the first counts; completing without one
 * counts as `Cancelled`). An Observable so that a UI can take its time and the engine can time
 * it out or cancel it (by unsubscribing) when openvpn moves on.
 */
export type CredentialsProvider = (prompt: Prompt) => Observable<Answer>;
