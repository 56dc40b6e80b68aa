/**
 * The openvpn processes this engine process supervises right now. One Node process may run
 * many tunnels under one application id; the start-up sweep must not mistake a sibling's
 * openvpn for a leftover. Also the last-resort kill list when the host process exits.
 */
const livePids = new Set<number>();

export const registerLivePid = (pid: number): void => {
  livePids.add(pid);
};

export const unregisterLivePid = (pid: number): void => {
  livePids.delete(pid);
};

export const isLivePid = (pid: number): boolean => livePids.has(pid);

let exitHookInstalled = false;

/**
 * On host exit, openvpn processes still supervised get SIGKILL synchronously: a dial-in openvpn
 * ends itself when the management link drops, but one started in `listen` mode would not.
 */
export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of livePids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}
