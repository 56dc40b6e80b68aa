import { isRemoteProtocol, REMOTE_PROTOCOLS } from './profile-model.js';

/** What is wrong with a directive's arguments, and how to fix it. */
export interface ArgumentProblem {
  readonly problem: string;
  readonly remedy: string;
}

const PORT_NUMBER = /^[0-9]{1,5}$/;

/** True for a decimal port number 1–65535. Service names are not accepted. */
export const isPortNumber = (value: string): boolean =>
  PORT_NUMBER.test(value) && Number(value) >= 1 && Number(value) <= 65535;

const PROTOCOL_LIST = REMOTE_PROTOCOLS.join(', ');

function checkPort(value: string): ArgumentProblem | undefined {
  if (isPortNumber(value)) return undefined;
  return {
    problem: `'${value}' is not a port number.`,
    remedy: 'Use a number from 1 to 65535.',
  };
}

function checkProtocol(value: string): ArgumentProblem | undefined {
  if (isRemoteProtocol(value)) return undefined;
  return {
    problem: `'${value}' is not a client protocol.`,
    remedy: `Use one of ${PROTOCOL_LIST}.`,
  };
}

function checkOneOf(
  name: string,
  args: readonly string[],
  allowed: readonly string[],
): ArgumentProblem | undefined {
  const [value] = args;
  if (args.length === 1 && value !== undefined && allowed.includes(value)) return undefined;
  return {
    problem: `expects one of ${allowed.join(', ')}, got '${args.join(' ')}'.`,
    remedy: `Write it as '${name} ${allowed[0] ?? ''}', for example.`,
  };
}

function checkRemote(args: readonly string[]): ArgumentProblem | undefined {
  const [host, port, proto] = args;
  if (host === undefined || host === '' || args.length > 3) {
    return {
      problem: 'expects a host, then optionally a port and a protocol.',
      remedy: "Write it as 'remote vpn.example.org 1194 udp'.",
    };
  }
  return (
    (port === undefined ? undefined : checkPort(port)) ??
    (proto === undefined ? undefined : checkProtocol(proto))
  );
}

function checkStaticChallenge(args: readonly string[]): ArgumentProblem | undefined {
  const [text, echo] = args;
  if (args.length === 2 && text !== undefined && text !== '' && (echo === '0' || echo === '1')) {
    return undefined;
  }
  return {
    problem: 'expects a challenge text and an echo flag 0 or 1.',
    remedy: 'Write it as \'static-challenge "Enter your PIN" 0\'.',
  };
}

function checkSingle(args: readonly string[]): ArgumentProblem | undefined {
  const [value] = args;
  if (args.length === 1 && value !== undefined && value !== '') return undefined;
  return { problem: 'expects exactly one value.', remedy: "Write it as 'dev tun'." };
}

/**
 * Checks the arguments of the directives whose values the engine reads (remotes, device,
 * credentials policy). Other directives pass through for openvpn itself to judge.
 */
export function checkDirectiveArguments(
  name: string,
  args: readonly string[],
): ArgumentProblem | undefined {
  switch (name) {
    case 'remote':
      return checkRemote(args);
    case 'proto':
      return args.length === 1 && args[0] !== undefined
        ? checkProtocol(args[0])
        : checkOneOf(name, args, REMOTE_PROTOCOLS);
    case 'port':
    case 'rport':
      return args.length === 1 && args[0] !== undefined
        ? checkPort(args[0])
        : { problem: 'expects one port number.', remedy: `Write it as '${name} 1194'.` };
    case 'dev':
      return checkSingle(args);
    case 'dev-type':
      return checkOneOf(name, args, ['tun', 'tap', 'null']);
    case 'auth-retry':
      return checkOneOf(name, args, ['none', 'nointeract', 'interact']);
    case 'static-challenge':
      return checkStaticChallenge(args);
    default:
      return undefined;
  }
}
