import { splitFields } from './fields.js';

/** The `{EXTRA}` of `>INFOMSG:` sent by `client-pending-auth` (openvpn 2.5+). */
export type InfoMessage =
  | { readonly kind: 'web-auth'; readonly flags: readonly string[]; readonly url: string }
  | { readonly kind: 'open-url'; readonly url: string }
  | {
      readonly kind: 'cr-text';
      readonly echo: boolean;
      readonly responseRequired: boolean;
      readonly text: string;
    }
  | { readonly kind: 'other'; readonly text: string };

/** Parses the payload after `>INFOMSG:`. */
export const parseInfoMessage = (payload: string): InfoMessage => {
  if (payload.startsWith('WEB_AUTH:')) {
    // The flags may hold `proxy=<ip>;<port>;...`, never a colon-free URL, so split once.
    const [flags = '', url = ''] = splitFields(payload.slice('WEB_AUTH:'.length), ':', 2);
    return { kind: 'web-auth', flags: flags === '' ? [] : flags.split(','), url };
  }
  if (payload.startsWith('OPEN_URL:')) {
    return { kind: 'open-url', url: payload.slice('OPEN_URL:'.length) };
  }
  if (payload.startsWith('CR_TEXT:')) {
    const [flags = '', text = ''] = splitFields(payload.slice('CR_TEXT:'.length), ':', 2);
    const flagList = flags.split(',');
    return {
      kind: 'cr-text',
      echo: flagList.includes('E'),
      responseRequired: flagList.includes('R'),
      text,
    };
  }
  return { kind: 'other', text: payload };
};
