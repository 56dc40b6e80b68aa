import type { Observable } from 'rxjs';
import type { Secret } from '../core/secret.js';
import type {
  AuthType,
  DynamicChallenge,
  StaticChallenge,
} from '../management/notification/password.js';

/** What openvpn asks the user for, as the application sees it. */
export type Prompt =
  | {
      readonly kind: 'UserPassRequested';
      readonly authType: AuthType;
      /** Only the username is asked (`auth-user-pass` with an inline password). */
      readonly usernameOnly: boolean;
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
